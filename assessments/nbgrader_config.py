"""nbgrader course of the courseware: one assignment per module, named by its module id."""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "denchi"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)

# What a student sees in place of a solution: where to write, in Japanese and English.
c.ClearSolutions.code_stub = {"python": "# ここに答えを書きましょう / Write your answer here\n"}
c.ClearSolutions.text_stub = "ここに答えを書きましょう / Write your answer here"

# Simulations in assignments take seconds, not minutes.
c.ExecutePreprocessor.timeout = 300
