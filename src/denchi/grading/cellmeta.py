"""nbgrader's cell metadata as a hand-in may carry it: of the right form, or not.

``nbformat.validate`` leaves cell metadata free-form, so a notebook edited by hand or by another
tool passes it with a ``metadata.nbgrader`` that is a string, or with a ``grade_id`` that is a
list; nbgrader's own steps then index it without checking (``utils.is_grade``,
``DeduplicateIds``, ``MetadataValidatorV3.validate_cell``) and the whole notebook fails with a
raw ``TypeError``. The form is read from nbgrader's own schema (``nbgraderformat/v3.json``).
The LMS tool refuses such an upload (:mod:`denchi.lms.uploads`); the autograder drops the
malformed metadata (:class:`DropMalformedMetadata`), so the cell counts as one an editor
stripped, which :class:`denchi.grading.restore.RestoreMissingCells` handles.
"""

from __future__ import annotations

from functools import cache

from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import NbGraderPreprocessor

# JSON Schema's types (draft 4, section 3.5 of its core) as Python's json module reads them;
# JSON's true and false are bool, which Python counts as int, so they never pass as numbers
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "object": (dict,),
    "array": (list,),
}


@cache
def _nbgrader_types() -> dict[str, tuple[type, ...]]:
    """The Python types of each key of a cell's ``metadata.nbgrader``, read from nbgrader's own
    schema of it (``nbgrader/nbgraderformat/v3.json``, the schema nbgrader validates with)."""
    properties = MetadataValidator().schema["properties"]
    return {key: _JSON_TYPES[rule["type"]] for key, rule in properties.items()}


def _of_type(value: object, kinds: tuple[type, ...]) -> bool:
    return isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))


def malformed(cell: NotebookNode) -> bool:
    """Whether the cell's ``metadata.nbgrader`` is not an object, or holds a key of nbgrader's
    schema with a value of another type (a ``grade_id`` that is a list, ``points`` as text);
    False for a cell without it.

    Args:
        cell: A notebook cell.
    """
    metadata = cell.get("metadata", {})
    if "nbgrader" not in metadata:
        return False
    meta = metadata["nbgrader"]
    return not isinstance(meta, dict) or any(
        key in meta and not _of_type(meta[key], kinds) for key, kinds in _nbgrader_types().items()
    )


class DropMalformedMetadata(NbGraderPreprocessor):
    """The first step of autograding: a cell whose nbgrader metadata is malformed loses it
    (and is then treated as a cell whose editor stripped it), so that one hand-edited cell
    cannot stop the whole notebook from being graded."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Delete every malformed ``metadata.nbgrader`` (see :func:`malformed`).

        Args:
            nb: The notebook being converted (changed in place and returned).
            resources: nbconvert's resources (unused; nbgrader passes them).
        """
        dropped = [number for number, cell in enumerate(nb.cells, 1) if malformed(cell)]
        for number in dropped:
            del nb.cells[number - 1].metadata["nbgrader"]
        if dropped:
            self.log.warning("Dropped malformed nbgrader metadata of cells %s", dropped)
        return nb, resources
