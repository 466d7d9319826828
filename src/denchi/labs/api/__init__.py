"""The learner's API: a `Cell` on a virtual cycler, protocols, results, plots and explorers.

Learners reach these through `denchi.labs` (`labs.Cell`, `labs.protocols`, `labs.compare`);
this layer calls `denchi.labs.engine` and never PyBaMM itself.
"""
