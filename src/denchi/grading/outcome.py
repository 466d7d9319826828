"""What happened while a submission was graded: flags for the teacher (and the student).

A flag marks grade cells that scored zero for a reason a teacher should see (a time or memory
limit, a crashed kernel, an answer the notebook's own checks and the clean check disagree on), or
notes something that changed no grade (a test cell the student changed and that was restored, a
limit hit after the last graded cell): only the first kind withholds the grade for review.
Flags travel in the autograded notebook's metadata (``metadata.denchi.grading``), flagged
cells are marked "needs manual grading" in nbgrader's gradebook, and the student's feedback
explains them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from nbformat import NotebookNode

from denchi.i18n import bilingual

# code -> (Japanese, English); {cell} and {limit} are filled in from the flag
MESSAGES: dict[str, tuple[str, str]] = {
    "time_limit": (
        "制限時間（{limit} 秒）を過ぎたため、セル {cell} 以降は実行も採点もしていません。"
        "終わらない繰り返し（while など）がないか確かめましょう。",
        "The time limit ({limit} s) ran out, so cell {cell} and the cells after it were not run "
        "or graded. Look for a loop that never ends.",
    ),
    "memory_limit": (
        "メモリの上限（{limit} MB）を超えたため、セル {cell} 以降は実行も採点もしていません。"
        "とても大きな配列やリストを作っていないか確かめましょう。",
        "The memory limit ({limit} MB) was exceeded, so cell {cell} and the cells after it were "
        "not run or graded. Look for a very large array or list.",
    ),
    "output_limit": (
        "出力が多すぎた（{limit} MB を超えた）ため、セル {cell} 以降は実行も採点もしていません。"
        "print をくり返しすぎていないか確かめましょう。",
        "The notebook printed too much (over {limit} MB), so cell {cell} and the cells after it "
        "were not run or graded. Look for a print inside a long loop.",
    ),
    "kernel_died": (
        "セル {cell} の実行中に Python が終了したため（{limit}）、それ以降は採点していません。"
        "sys.exit() や os._exit() を使っていないか確かめましょう。",
        "Python stopped while running cell {cell} ({limit}), so nothing after it was graded. "
        "Check for sys.exit() or os._exit().",
    ),
    "kernel_start_failed": (
        "ノートブックを実行する Python を起動できなかったため、採点できませんでした（{limit}）。",
        "The Python kernel for this notebook could not start, so nothing was graded ({limit}).",
    ),
    "answers_unreadable": (
        "セル {cell} の答えを採点用に読み取れなかったため、0 点にしました"
        "（ノートブックの実行環境が書きかえられた可能性があります）。",
        "The answers for cell {cell} could not be read for grading, so it scored 0 "
        "(the notebook's Python environment may have been tampered with).",
    ),
    "results_differ": (
        "セル {cell} で、ノートブックの中の確認と採点用の確認の結果が食いちがいました"
        "（確認の関数や変数 checks が書きかえられた可能性があります）。先生が確認します。",
        "In cell {cell}, the notebook's own check and the grader's clean check disagree "
        "(the check functions or the name `checks` may have been replaced). Your teacher "
        "will review it.",
    ),
    "test_cell_changed": (
        "テストのセル {cell} が書きかえられていた（または消されていた）ため、"
        "元に戻して採点しました。",
        "Test cell {cell} had been edited (or deleted); it was restored before grading.",
    ),
    "input_called": (
        "セル {cell} で input() が使われていました。採点のときは、だれも入力に答えられないため、"
        "input() は使えません。値はコードの中に直接書きましょう（例: voltage_v = 3.7）。"
        "この後の設問は先生が確認します。",
        "Cell {cell} calls input(), which cannot be answered while the notebook is graded. "
        "Write the value in the code instead (e.g. voltage_v = 3.7). Your teacher will "
        "review the questions after it.",
    ),
    "cells_not_found": (
        "このノートブックには、課題のセルが 1 つも見つかりませんでした（別のノートブックを"
        "提出したか、編集に使ったソフトが課題の情報を消した可能性があります）。テストのセルを最後に足して、"
        "変数の名前で答えを採点しました。先生が確認します。",
        "None of the assignment's cells were found in this notebook (another notebook was "
        "handed in, or the editor removed the assignment's information). The test cells were "
        "added at the end and the answers graded by their variable names; your teacher will "
        "review it.",
    ),
    "not_sandboxed": (
        "この環境では生徒のコードを隔離できない（Linux の Landlock がない）ため、"
        "採点中の生徒のコードが採点者のファイルを読み書きできた可能性があります。",
        "This machine cannot sandbox student code (no Linux Landlock), so the student's code "
        "could have read or written the grader's files while it was graded.",
    ),
    "grading_error": (
        "このノートブックは採点できませんでした（{limit}）。",
        "This notebook could not be graded ({limit}).",
    ),
}
# for information only: the grade stands without a teacher's review
INFORMATIONAL = frozenset({"not_sandboxed", "test_cell_changed"})
# about the whole notebook (nothing was graded): always for a teacher to review
WHOLE_NOTEBOOK = frozenset({"kernel_start_failed", "grading_error"})


@dataclass(frozen=True)
class Flag:
    """One reason for a teacher to look at a submission."""

    code: str
    notebook: str = ""
    cell: str = ""  # the grade cell where it happened, "" if it concerns the whole notebook
    cells: tuple[str, ...] = field(default=())  # grade cells it zeroed (needs manual grading)
    detail: str = ""  # the limit, exit status or error, in plain words

    @property
    def message_ja(self) -> str:
        """The flag's message in Japanese, with its cell and detail filled in."""
        return MESSAGES[self.code][0].format(cell=self.cell or "—", limit=self.detail)

    @property
    def message_en(self) -> str:
        """The flag's message in English."""
        return MESSAGES[self.code][1].format(cell=self.cell or "—", limit=self.detail)

    @property
    def message(self) -> str:
        """The flag's message in Japanese and English (:func:`denchi.i18n.bilingual`)."""
        return bilingual(self.message_ja, self.message_en)

    @property
    def needs_review(self) -> bool:
        """Whether the grade waits for a teacher: only if this zeroed a graded cell (or the
        notebook could not be graded at all). A limit hit after the last graded cell is
        reported to the student and the teacher, and the grade goes out as final."""
        if self.code in WHOLE_NOTEBOOK:
            return True
        return self.code not in INFORMATIONAL and bool(self.cells)

    def to_dict(self) -> dict:
        """The flag as JSON-ready data (stored in the autograded notebook's metadata)."""
        return {**asdict(self), "cells": list(self.cells)}

    @classmethod
    def from_dict(cls, data: dict) -> Flag:
        """The flag :meth:`to_dict` stored; unknown keys are ignored.

        Args:
            data: The stored dict (``code`` is required).

        Raises:
            TypeError: if ``data`` has no ``code``.
        """
        known = {k: data[k] for k in ("code", "notebook", "cell", "detail") if k in data}
        return cls(**known, cells=tuple(data.get("cells", ())))


def flags_of(notebook_metadata: dict) -> list[Flag]:
    """The flags an autograded notebook carries.

    Args:
        notebook_metadata: The autograded notebook's metadata (``metadata.denchi.grading``).
    """
    grading = notebook_metadata.get("denchi", {}).get("grading", {})
    return [Flag.from_dict(f) for f in grading.get("flags", []) if f.get("code") in MESSAGES]


def error_output(ename: str, message: str) -> NotebookNode:
    """A cell error as nbgrader scores it (zero points) and the student reads it.

    Args:
        ename: The error's name (shown as the error type).
        message: The bilingual message, also the whole traceback.
    """
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[message])
