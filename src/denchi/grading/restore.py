"""Put back the teacher's cells a submission lost, so answers are graded by variable name.

Students delete an answer cell together with its test cell and answer in a new cell; editors
that ignore nbgrader (VS Code, Colab) save a notebook without any nbgrader metadata. nbgrader's
own ``OverwriteCells.add_missing_cells`` then fails the whole notebook with a ``KeyError`` (it
looks for the deleted answer cell to insert after). ``RestoreMissingCells`` runs in autograde's
sanitising step, after :class:`denchi.grading.review.NoteChangedCells` (which notes every missing
or edited test cell for the feedback) and before nbgrader's ``OverwriteCells``:

1. a cell without nbgrader metadata whose text is exactly a locked cell of the released
   notebook (the setup cell, a test cell's visible part) gets that cell's metadata back;
2. every locked cell still missing is inserted, from the gradebook, just before the next of
   the assignment's cells that the submission has (or at the end), so a test cell comes after
   wherever the student wrote the answer, and the clean room grades the answer by its
   variable name.

When the submission holds none of the assignment's cells, the cells are appended all the same
and the notebook is flagged (``cells_not_found``) for the teacher, in plain words.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from denchi.grading.hidden import visible_part

SCHEMA_VERSION = 3


def normalised(source: str) -> str:
    """A cell's text for comparison (trailing spaces and surrounding blank lines ignored).

    Args:
        source: A cell's source text.
    """
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _nbgrader_metadata(name: str, points: float | None) -> dict:
    meta = {
        "grade": points is not None,
        "grade_id": name,
        "locked": True,
        "schema_version": SCHEMA_VERSION,
        "solution": False,
    }
    if points is not None:
        meta["points"] = points
    return meta


class RestoreMissingCells(NbGraderPreprocessor):
    """Give lost locked cells back their metadata, or insert them from the gradebook."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Reattach the metadata of locked cells a student's editor lost, and insert locked
        cells that are gone, from the gradebook's copy.

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
            points = {c.name: float(c.max_score) for c in notebook.grade_cells}
            order = [c.name for c in notebook.source_cells]
            locked = {c.name: (c.cell_type, c.source) for c in notebook.source_cells if c.locked}
        present = {
            cell.metadata.nbgrader["grade_id"]: cell
            for cell in nb.cells
            if "grade_id" in cell.metadata.get("nbgrader", {})
        }
        self._reattach(nb, locked, points, present)
        found_any = bool(present)
        restored = []
        for index, name in enumerate(order):
            if name in present or name not in locked:
                continue
            kind, source = locked[name]
            new_cell = new_code_cell if kind == "code" else new_markdown_cell
            cell = new_cell(
                source, metadata={"nbgrader": _nbgrader_metadata(name, points.get(name))}
            )
            following = next((present[n] for n in order[index + 1 :] if n in present), None)
            nb.cells.insert(nb.cells.index(following) if following else len(nb.cells), cell)
            present[name] = cell
            restored.append(name)
        if restored:
            self.log.warning("Restored missing cells %s of %s", restored, info["notebook"])
        note = nb.metadata.setdefault("denchi", {})
        note["restored_cells"] = restored
        note["cells_not_found"] = not found_any
        return nb, resources

    @staticmethod
    def _reattach(nb, locked: dict, points: dict, present: dict) -> None:
        for name, (kind, source) in locked.items():
            if name in present:
                continue
            wanted = normalised(visible_part(source) if name in points else source)
            for cell in nb.cells:
                if (
                    "nbgrader" not in cell.metadata
                    and cell.cell_type == kind
                    and normalised(cell.source) == wanted
                ):
                    cell.metadata["nbgrader"] = _nbgrader_metadata(name, points.get(name))
                    present[name] = cell
                    break
