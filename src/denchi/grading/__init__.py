"""Answer checks for assignment tests, and the nbgrader pipeline around them.

- ``checks``: what assignment test cells call (numbers with units, curves, choices, keywords).
- ``pipeline``: ``grade()`` / ``result()``, the API of ``denchi grade`` and the LMS tool.
- ``nbconfig``: the course's nbgrader configuration (safe autograde and feedback steps).
- ``execute`` (sandboxed kernel, limits), ``sandbox`` and ``landlock`` (the kernel's sandbox),
  ``capture`` and ``cleanroom`` (hidden tests outside the student's kernel), ``review`` and
  ``outcome`` (flags for the teacher), ``feedback`` (no hidden tests in feedback).
- ``pool`` and ``worker``: parallel worker processes; ``collect``: placing submissions.
- ``course``: the nbgrader command line; ``answer_key``: answer keys for teacher guides.
- ``handins``: notebooks as students hand them in; ``sample_class``: the teacher-training
  kit's class of fictional students (``denchi grade sample-class``).

Importing this package imports nothing else (the sandbox launcher starts from it).
"""
