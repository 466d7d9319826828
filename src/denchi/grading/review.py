"""Record, in the autograded notebook and in nbgrader's gradebook, what a teacher should review.

``NoteChangedCells`` runs in autograde's first (sanitising) step, before nbgrader's
``OverwriteCells`` restores locked cells from the gradebook: it notes every test cell the student
edited or deleted, in the notebook's metadata (replacing anything a student put there), and
turns cells with nbgrader metadata the gradebook does not know (a "grade cell" a student made
up) into plain code cells, which nbgrader 0.9 would otherwise crash on.
``FlagForReview`` runs after nbgrader's ``SaveAutoGrades``: it marks the grade cells of every
flag as "needs manual grading" in the gradebook (so the formgrader lists them) and writes all
flags into the autograded notebook's metadata, where :mod:`denchi.grading.pipeline` reads them.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from denchi.grading.hidden import visible_part
from denchi.grading.outcome import Flag
from denchi.grading.restore import normalised


class NoteChangedCells(NbGraderPreprocessor):
    """Note test cells that differ from (or are missing in) the released version."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Drop made-up nbgrader cells and record the changed test cells in the metadata.

        Args:
            nb: The notebook being converted (changed in place and returned).
            resources: nbconvert's resources; ``resources["nbgrader"]`` names the notebook,
                assignment, student and gradebook (``db_url``).

        Raises:
            nbgrader.api.MissingEntry: if the gradebook does not know the notebook.
        """
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            tests = {c.name for c in notebook.grade_cells}
            known = {c.name for c in notebook.source_cells}
            released = {
                c.name: normalised(visible_part(c.source))
                for c in notebook.source_cells
                if c.locked and c.name in tests
            }
        for cell in nb.cells:
            if "nbgrader" in cell.metadata and cell.metadata.nbgrader.get("grade_id") not in known:
                self.log.warning("Ignoring made-up nbgrader cell %s", cell.metadata.nbgrader)
                del cell.metadata["nbgrader"]
        submitted = {
            cell.metadata.nbgrader["grade_id"]: normalised(cell.source)
            for cell in nb.cells
            if utils.is_grade(cell) and "grade_id" in cell.metadata.nbgrader
        }
        changed = sorted(g for g, source in released.items() if submitted.get(g) != source)
        nb.metadata["denchi"] = {"changed_cells": changed}
        return nb, resources


class FlagForReview(NbGraderPreprocessor):
    """Mark flagged grade cells for manual grading; store the flags in the notebook."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Mark the grade cells a flag zeroed as needing manual grading and store the flags,
        sandbox and timing in ``metadata.denchi.grading``.

        Args:
            nb: The notebook being converted (changed in place and returned).
            resources: nbconvert's resources; ``resources["nbgrader"]`` names the notebook,
                assignment, student and gradebook (``db_url``).

        Raises:
            nbgrader.api.MissingEntry: if the gradebook does not know the notebook or a
                flagged grade.
        """
        info = resources["nbgrader"]
        report = resources.get("denchi", {})
        changed = nb.metadata.get("denchi", {}).get("changed_cells", [])
        flags = [Flag("test_cell_changed", info["notebook"], g) for g in changed]
        if nb.metadata.get("denchi", {}).get("cells_not_found"):
            with Gradebook(info["db_url"]) as gb:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
                tests = tuple(c.name for c in notebook.grade_cells)
            flags.append(Flag("cells_not_found", info["notebook"], cells=tests))
        flags += report.get("flags", [])
        review = sorted({cell for flag in flags if flag.needs_review for cell in flag.cells})
        if review:
            with Gradebook(info["db_url"]) as gb:
                for grade_id in review:
                    grade = gb.find_grade(
                        grade_id, info["notebook"], info["assignment"], info["student"]
                    )
                    grade.needs_manual_grade = True
                gb.db.commit()
        nb.metadata["denchi"] = {
            "grading": {
                "flags": [flag.to_dict() for flag in flags],
                "sandbox": report.get("sandbox", "none"),
                "seconds": report.get("seconds"),
                "peak_rss_mb": report.get("peak_rss_mb"),
                "details": report.get("details", {}),
            }
        }
        return nb, resources
