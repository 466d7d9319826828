"""Grade files for the LMS, from nbgrader's gradebook.

- ``nbgrader``: nbgrader's own CSV (``nbgrader export``): one row per student and assignment
  (assignment, duedate, timestamp, student_id, last_name, first_name, email, raw_score,
  late_submission_penalty, score, max_score; a missing submission scores 0).
- ``moodle``: for Moodle's gradebook "Import → CSV file", one assignment per file. UTF-8 (with
  a BOM, which Moodle strips and Excel needs), comma-separated: ``Email address`` (or
  ``ID number`` / ``Username`` with ``identifier=``) and the assignment's id as the grade
  column, holding the score after any late penalty. Only students who handed the assignment
  in are listed: Moodle's import turns an empty grade into "no grade" (clearing a grade given
  by hand) and stops altogether at a user it cannot find. Moodle matches the e-mail address
  exactly, so it is written as the grading worksheet gave it. On the import page, map the
  identifier column to the same field ("Map from" / "Map to") and the grade column to the
  assignment's grade item.
- ``manaba``: manaba's grade upload is an Excel sheet (「成績登録シート」, downloaded from
  [成績] → [成績項目の登録]) whose 「合計点」 column a teacher fills in. Its exact layout is not
  documented publicly, so this CSV (UTF-8 with BOM, opens in Excel) carries ``学籍番号``,
  ``ユーザID``, ``氏名``, ``合計点`` for each student who handed the assignment in, sorted by
  学籍番号, to be looked up into the sheet by 学籍番号 (for example with VLOOKUP).
"""

from __future__ import annotations

import csv
from pathlib import Path

from denchi.grading.errors import GradingError
from denchi.grading.nbconfig import open_gradebook

FORMATS = ("nbgrader", "moodle", "manaba")
MOODLE_IDENTIFIERS = {"email": "Email address", "idnumber": "ID number", "username": "Username"}


def _scores(course: Path, assignments: list[str]) -> tuple[list, dict[tuple[str, str], float]]:
    """Students of the gradebook, and (student, assignment) -> score after penalty (only for
    submissions that exist)."""
    from nbgrader.api import MissingEntry

    scores: dict[tuple[str, str], float] = {}
    with open_gradebook(course) as gb:
        known = {a.name for a in gb.assignments}
        if missing := [a for a in assignments if a not in known]:
            raise GradingError(
                f"課題 {', '.join(missing)} はまだ採点されていません（採点済み: "
                f"{', '.join(sorted(known)) or 'なし'}）。",
                f"Assignment(s) {', '.join(missing)} have not been graded "
                f"(graded: {', '.join(sorted(known)) or 'none'}).",
            )
        students = [
            (s.id, s.email or "", s.last_name or "", s.first_name or "", s.lms_user_id or "")
            for s in gb.students
        ]
        for assignment in assignments:
            for student, *_ in students:
                try:
                    sub = gb.find_submission(assignment, student)
                except MissingEntry:
                    continue
                penalty = sub.late_submission_penalty or 0.0
                scores[(student, assignment)] = max(sub.score - penalty, 0.0)
    return students, scores


def _write(path: Path, header: list[str], rows: list[list[str]], assignment: str) -> Path:
    if not rows:
        raise GradingError(
            f"課題「{assignment}」の採点済みの提出がありません（まだ採点していませんか？"
            "何も書き出していません）。",
            f"No graded submission of '{assignment}' to export (nothing was written).",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _number(score: float) -> str:
    return f"{score:.2f}".rstrip("0").rstrip(".")


def moodle_csv(course: Path, assignment: str, output: Path, *, identifier: str = "email") -> Path:
    """A CSV for Moodle's grade import (see the module's description)."""
    if identifier not in MOODLE_IDENTIFIERS:
        raise GradingError(
            f"identifier は {', '.join(MOODLE_IDENTIFIERS)} のどれかです。",
            f"identifier must be one of {', '.join(MOODLE_IDENTIFIERS)}.",
        )
    students, scores = _scores(course, [assignment])
    rows, unknown = [], []
    for student, email, *_ in students:
        if (student, assignment) not in scores:
            continue
        # with idnumber/username, the nbgrader student id is the Moodle ID number or username
        key = student if identifier != "email" else email or (student if "@" in student else "")
        if not key:
            unknown.append(student)
        rows.append([key, _number(scores[(student, assignment)])])
    if unknown:
        raise GradingError(
            f"メールアドレスが分からない学生がいます: {', '.join(unknown)}。Moodle の評定"
            "ワークシートを名簿として collect --roster に指定するか、nbgrader db student add "
            "--email で登録してください（何も書き出していません）。",
            f"No e-mail address is known for: {', '.join(unknown)}. Collect with the Moodle "
            "grading worksheet as --roster, or add it with `nbgrader db student add --email` "
            "(nothing was written).",
        )
    return _write(output, [MOODLE_IDENTIFIERS[identifier], assignment], sorted(rows), assignment)


def manaba_csv(course: Path, assignment: str, output: Path) -> Path:
    """A CSV to look up into manaba's 成績登録シート (see the module's description)."""
    students, scores = _scores(course, [assignment])
    rows = [
        [student, user_id, f"{last} {first}".strip(), _number(scores[(student, assignment)])]
        for student, _, last, first, user_id in students
        if (student, assignment) in scores
    ]
    return _write(output, ["学籍番号", "ユーザID", "氏名", "合計点"], sorted(rows), assignment)


def nbgrader_csv(course: Path, assignments: list[str], output: Path) -> Path:
    """nbgrader's own CSV (``nbgrader export``)."""
    from denchi.grading.course import nbgrader

    _scores(course, assignments)  # the same clear error for an ungraded assignment
    output.parent.mkdir(parents=True, exist_ok=True)
    chosen = [f"--CsvExportPlugin.assignment={a}" for a in assignments]
    nbgrader(course, "export", f"--to={output.resolve()}", *chosen)
    return output
