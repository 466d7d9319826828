"""Seeded data sets of the evaluation labs and the specialist assignments, one function each.

The lab page, the assignment's set-up cell, its hidden tests and the teacher guide all call
the same function with the student's seed (`denchi.labs.seeds`).
"""
