"""Reference analyses of the evaluation labs e01–e06 and of module u03 on "measured" (seeded)
data.

One module a lab: `rate` (e01), `ocv` (e02: dQ/dV, dV/dQ, the named dQ/dV peaks and how
ageing changes them), `pulse` (e03), `circuit_fit` (e04), `heat` (e05), `fade` (e06), `ecm`
(u03: the Thevenin circuit fitted to a pulse).
Assignments' hidden tests compare students' work with them.
"""
