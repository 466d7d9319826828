"""Per-submission limits checked when a notebook is uploaded (issue 11 item 4): a notebook with
thousands of cells or one enormous cell is refused with the limit and what to do, in Japanese
and English; big outputs are cleared on receipt instead (nbgrader clears them before grading
anyway), so that no learner loses a submission because of them."""

from __future__ import annotations

import nbformat
import pytest
from lms.harness import dummy_notebook

from denchi.lms.config import ConfigError, make_config
from denchi.lms.sessions import PageError
from denchi.lms.uploads import UploadLimits, read_notebook

ASSIGNMENT = "z01_dummy"
LIMITS = UploadLimits(extra_cells=10, cell_chars=1_000, output_bytes=5_000)


@pytest.fixture
def source(tmp_path):
    path = tmp_path / f"{ASSIGNMENT}.ipynb"
    nbformat.write(dummy_notebook(), path)
    return path


def released() -> nbformat.NotebookNode:
    """The notebook a learner downloads, answered."""
    nb = dummy_notebook()
    nb.metadata["denchi"] = {"assignment": ASSIGNMENT}
    nb.cells[1].source = "answer = 42"
    return nb


def upload(nb: nbformat.NotebookNode) -> bytes:
    return nbformat.writes(nb).encode()


def refusal(data: bytes, source) -> PageError:
    with pytest.raises(PageError) as refused:
        read_notebook(data, source, ASSIGNMENT, LIMITS)
    return refused.value


def test_a_notebook_with_thousands_of_empty_cells_is_refused(source):
    nb = released()
    nb.cells += [nbformat.v4.new_code_cell("") for _ in range(3000)]
    error = refusal(upload(nb), source)
    assert error.status == 413
    cells = len(nb.cells)
    assert f"{cells}" in error.ja and "15" in error.ja and "空のセル" in error.ja
    assert f"{cells}" in error.en and "15" in error.en and "empty cells" in error.en


def test_a_few_cells_of_the_learners_own_are_welcome(source):
    nb = released()
    nb.cells += [nbformat.v4.new_code_cell("print(answer)") for _ in range(10)]
    received = read_notebook(upload(nb), source, ASSIGNMENT, LIMITS)
    assert len(received.notebook.cells) == 15 and received.cleared_output_bytes == 0


def test_one_enormous_cell_is_refused_with_its_number(source):
    nb = released()
    nb.cells.insert(3, nbformat.v4.new_code_cell("data = [" + "1, " * 2000 + "]"))
    error = refusal(upload(nb), source)
    assert error.status == 413
    assert "4" in error.ja and "1000" in error.ja and "文字" in error.ja
    assert "Cell 4" in error.en and "1000 characters" in error.en


def test_big_outputs_are_cleared_on_receipt_and_the_answers_kept(source):
    nb = released()
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 20_000)]
    nb.cells[1].execution_count = 7
    received = read_notebook(upload(nb), source, ASSIGNMENT, LIMITS)
    assert received.cleared_output_bytes > 20_000
    cell = received.notebook.cells[1]
    assert cell.outputs == [] and cell.execution_count is None
    assert cell.source == "answer = 42"
    nbformat.validate(received.notebook)


def test_small_outputs_are_kept_for_the_teacher(source):
    nb = released()
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    received = read_notebook(upload(nb), source, ASSIGNMENT, LIMITS)
    assert received.cleared_output_bytes == 0
    assert received.notebook.cells[1].outputs[0]["text"] == "42\n"


@pytest.mark.parametrize("key", ["max_extra_cells", "max_cell_chars", "max_output_bytes"])
def test_the_limits_are_settings_checked_like_the_others(tmp_path, key):
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path / "denchi-lms.toml", **{key: -1})
    japanese, english = str(caught.value).split("\n")
    assert key in japanese and "整数" in japanese and key in english and "integer" in english
    config = make_config(tmp_path / "denchi-lms.toml", **{key: 7})
    assert getattr(UploadLimits.of(config), key.removeprefix("max_")) == 7


@pytest.mark.parametrize(
    "where, value",
    [
        ("nbgrader", "grade_id q1"),  # passes nbformat.validate: cell metadata is free-form
        ("nbgrader", ["grade_id"]),
        ("nbgrader", None),
        ("nbgrader", 7),
        ("grade_id", ["q1"]),
        ("grade_id", None),
        ("grade", "yes"),
        ("solution", 1),
        ("points", "2"),
        ("schema_version", "3"),
    ],
)
def test_nbgrader_metadata_of_the_wrong_type_in_one_cell_is_refused_naming_it(source, where, value):
    nb = released()
    if where == "nbgrader":
        nb.cells[3].metadata["nbgrader"] = value
    else:
        nb.cells[3].metadata["nbgrader"][where] = value
    data = upload(nb)
    nbformat.validate(nbformat.reads(data.decode(), as_version=4))
    error = refusal(data, source)
    assert error.status == 400 and error.code == "upload"
    assert "この課題のノートブックではないようです" in error.ja and "4 番目" in error.ja
    assert "does not belong to this assignment" in error.en and "cell 4" in error.en


@pytest.mark.parametrize("value", ["z01_dummy", ["assignment"], None, 3])
def test_a_notebook_whose_denchi_metadata_is_not_an_object_names_no_assignment(source, value):
    nb = released()
    nb.metadata["denchi"] = value
    error = refusal(upload(nb), source)
    assert error.status == 400 and "どの課題のものかの印がありません" in error.ja


def test_nbgrader_metadata_of_the_right_types_is_taken_with_or_without_optional_keys(source):
    nb = released()
    nb.cells[1].metadata["nbgrader"].update(checksum="0" * 32, cell_type="code")
    del nb.cells[3].metadata["nbgrader"]["schema_version"]
    received = read_notebook(upload(nb), source, ASSIGNMENT, LIMITS)
    assert received.notebook.cells[1].source == "answer = 42"
