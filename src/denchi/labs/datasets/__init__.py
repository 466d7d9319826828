"""Seeded "measured" data sets of the evaluation labs (`evaluation`) and of module u03
(`modeling`), one function per data set.

The lab page, the assignment's set-up cell, its hidden tests and the teacher guide all call
the same function with the student's seed (`denchi.labs.seeds`).
"""
