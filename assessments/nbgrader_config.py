"""nbgrader course of the courseware: one assignment per module, named by its module id."""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "denchi"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)

# What a student sees in place of a solution: where to write, in Japanese and English.
c.ClearSolutions.code_stub = {"python": "# ここに答えを書きましょう / Write your answer here\n"}
c.ClearSolutions.text_stub = "ここに答えを書きましょう / Write your answer here"

# Safe autograding (denchi.grading.nbconfig): each student's kernel runs sandboxed under a time
# and memory limit, hidden tests run only outside it, deleted test cells are put back, and
# feedback never shows hidden tests. Limits per notebook:
from denchi.grading.nbconfig import configure_course  # noqa: E402

configure_course(c)
c.SandboxedExecute.time_limit_s = 300
c.SandboxedExecute.memory_mb = 1024

# The school's time zone (an IANA name). An LMS download gives hand-in times without a zone
# (zip entries, Moodle's grading worksheet); `denchi grade collect` reads them in this zone,
# whatever the zone of the grading machine's clock.
c.DenchiCourse.timezone = "Asia/Tokyo"

# Late work. The due date is set with `denchi grade due <assignment> <date-time>` (Japan time);
# lateness is always shown (status, the grade files). The penalty is nbgrader's
# LateSubmissionPlugin: "none" takes no points, "zero" gives a late notebook 0 points. A school
# with another rule writes a plugin class and names it in c.AssignLatePenalties.plugin_class.
c.LateSubmissionPlugin.penalty_method = "none"
