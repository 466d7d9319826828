"""Grade files for the LMS, from nbgrader's gradebook.

Every file is written by :func:`denchi.grading.spreadsheet.write_csv` (BOM, formulas escaped).

- ``nbgrader``: nbgrader's own CSV (``nbgrader export``'s columns and values): one row per
  student and assignment (assignment, duedate, timestamp, student_id, last_name, first_name,
  email, raw_score, late_submission_penalty, score, max_score; a missing submission scores 0).
- ``moodle``: for Moodle's gradebook "Import → CSV file", one assignment per file. UTF-8 (with
  a BOM, which Moodle strips and Excel needs), comma-separated: ``Email address`` (or
  ``ID number`` / ``Username`` with ``identifier=``) holding the values of that user field as
  the grading worksheet given to ``collect --roster`` showed them (a student whose value is
  unknown stops the export, naming them), the assignment's id as the grade column, holding the
  points after any late penalty, and ``<assignment> (feedback)``, a comment with the points of
  each question (問1 …) to map to the grade item's feedback. Only students who handed the assignment
  in are listed: Moodle's import turns an empty grade into "no grade" (clearing a grade given
  by hand) and stops altogether at a user it cannot find. Moodle matches the e-mail address
  exactly, so it is written as the grading worksheet gave it. On the import page, map the
  identifier column to the same field ("Map from" / "Map to") and the grade column to the
  assignment's grade item. Late work: the comment ends with how late and the points taken
  (「提出遅れ 26 時間 (late by 26 h): −3 点 → 成績 0 点」).
  Moodle's gradebook import marks every imported grade of an activity "overridden"
  (``grade/import/lib.php`` ``grade_import_commit()`` calls ``grade_item::update_final_grade()``
  with source ``import``, which sets ``overridden`` when ``is_overridable_item()``, true for an
  activity's grade item, ``lib/grade/grade_item.php``): from then on, grading in the
  assignment no longer reaches the gradebook. :func:`moodle_worksheet` avoids that.
- ``moodle`` with the assignment's grading worksheet (:func:`moodle_worksheet`): the
  worksheet the teacher downloaded (assignment → "Download grading worksheet", with the
  feedback type "Offline grading worksheet" on), filled in for its "Upload grading worksheet".
  That upload writes the grades into the assignment itself (``assign_feedback_offline::
  process_import_grades()`` calls ``assign::update_grade()``, ``mod/assign/feedback/offline/
  locallib.php``), so they stay editable there and reach the gradebook as the assignment's own
  grades. Its importer (``assignfeedback_offline_grade_importer::init()``, ``importgradeslib.php``)
  finds its columns by their headers in the interface language ("Identifier", "Grade",
  "Last modified (grade)", and one per feedback field such as "Feedback comments") and the
  student by the number of "Participant N": the CSV above has none of these, so it does not
  fit this route.
- ``manaba``: manaba's grade upload is an Excel sheet (「成績登録シート」, downloaded from
  [成績] → [成績項目の登録]) whose 「合計点」 column a teacher fills in. :func:`manaba_sheet`
  fills the teacher's downloaded sheet (found by its 「学籍番号」 and 「合計点」 headers), for
  upload as it is; a late student's 「合計点」 cell gets an Excel note (a cell comment, which
  changes no value or column of the sheet) saying how late and the points taken. Without a
  sheet, a CSV (UTF-8 with BOM) carries ``学籍番号``, ``ユーザID``, ``氏名``, ``合計点`` and
  ``提出遅れ`` (empty when on time) for each student who handed the assignment in, sorted by
  学籍番号.

Every score is after the late penalty, the number nbgrader's own export gives: the penalties
are first brought up to the current due date with nbgrader's own step
(:func:`denchi.grading.duedates.refresh_penalties`), and each submission is read with
:func:`denchi.grading.late.lateness`, as ``denchi grade status`` reads it.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from denchi.grading.collect import SUBMITTED
from denchi.grading.duedates import refresh_penalties
from denchi.grading.errors import GradingError
from denchi.grading.late import Lateness, format_points, lateness
from denchi.grading.nbconfig import open_gradebook
from denchi.grading.questions import question_label
from denchi.grading.spreadsheet import write_csv

FORMATS = ("nbgrader", "moodle", "manaba")
_PARTICIPANT = re.compile(r"\D*?\s*\d+")  # "Participant 12", 「参加者 12」
_DIGITS = re.compile(r"\d+")
MOODLE_IDENTIFIERS = {"email": "Email address", "idnumber": "ID number", "username": "Username"}
MOODLE_FIELDS_JA = {"email": "メールアドレス", "idnumber": "ID ナンバー", "username": "ユーザ名"}


@dataclass
class _Graded:
    """One student's submission of one assignment, as the exports need it."""

    late: Lateness  # the score before and after any late penalty, and how late
    comment: str  # per question (and lateness), for the LMS's feedback column
    lms: dict[str, str]  # what the LMS said about the student (submitted/.../lms.json)

    @property
    def score(self) -> float:
        return self.late.score


def _comment(submission, late: Lateness) -> str:
    parts = [
        f"{question_label(g.name) or g.name} {_number(g.score)}/{_number(g.max_score)}"
        for notebook in submission.notebooks
        for g in sorted(notebook.grades, key=lambda g: g.name)
    ]
    total = f"{_number(late.raw_score)}/{_number(submission.max_score)}"
    comment = f"自動採点 {total} 点（{'、'.join(parts)}）" if parts else f"自動採点 {total} 点"
    if late.late:
        comment += f"。{late.note()} → 成績 {_number(late.score)} 点"
    return comment


def _lms_record(course: Path, assignment: str, student: str) -> dict[str, str]:
    path = course / SUBMITTED / student / assignment / "lms.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _scores(course: Path, assignments: list[str]) -> tuple[list, dict[tuple[str, str], _Graded]]:
    """Students of the gradebook, and (student, assignment) -> what was graded (only for
    submissions that exist)."""
    from nbgrader.api import MissingEntry

    graded: dict[tuple[str, str], _Graded] = {}
    for assignment in assignments:  # penalties for the current due date, as nbgrader sets them
        refresh_penalties(course, assignment)
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
                late = lateness(sub)
                graded[(student, assignment)] = _Graded(
                    late, _comment(sub, late), _lms_record(course, assignment, student)
                )
    return students, graded


def _write(path: Path, header: list[str], rows: list[list[str]], assignment: str) -> Path:
    if not rows:
        raise GradingError(
            f"課題「{assignment}」の採点済みの提出がありません（まだ採点していませんか？"
            "何も書き出していません）。",
            f"No graded submission of '{assignment}' to export (nothing was written).",
        )
    return write_csv(path, header, rows)


_number = format_points


def _identifier(student: str, email: str, record: dict[str, str], identifier: str) -> str:
    """The value of the Moodle user field ``identifier`` for this student ("" if unknown)."""
    if identifier == "email":
        return record.get("email") or email or (student if "@" in student else "")
    return record.get(identifier, "")


def moodle_csv(course: Path, assignment: str, output: Path, *, identifier: str = "email") -> Path:
    """A CSV for Moodle's grade import (see the module's description).

    Args:
        course: The nbgrader course folder.
        assignment: The graded assignment's name.
        output: The file to write (its folder is created).
        identifier: The Moodle user field that matches students: a key of
            ``MOODLE_IDENTIFIERS`` (``"email"`` by default).

    Raises:
        GradingError: (nothing written) if the gradebook cannot be opened, the assignment
            has not been graded, or no submission of it is graded; also if ``identifier`` is unknown
            or a student's value of it is not known.
        OSError: if ``output`` cannot be written.
    """
    if identifier not in MOODLE_IDENTIFIERS:
        raise GradingError(
            f"identifier は {', '.join(MOODLE_IDENTIFIERS)} のどれかです。",
            f"identifier must be one of {', '.join(MOODLE_IDENTIFIERS)}.",
        )
    students, graded = _scores(course, [assignment])
    rows, unknown = [], []
    for student, email, *_ in students:
        if (student, assignment) not in graded:
            continue
        done = graded[(student, assignment)]
        key = _identifier(student, email, done.lms, identifier)
        if not key:
            unknown.append(student)
        rows.append([key, _number(done.score), done.comment])
    if unknown:
        field_ja = MOODLE_FIELDS_JA[identifier]
        raise GradingError(
            f"{field_ja}が分からない学生がいます: {', '.join(unknown)}。"
            f"{field_ja}を表示した Moodle の評定ワークシートを名簿として collect --roster に"
            "指定し直すか、ほかの --identifier を使ってください（何も書き出していません）。",
            f"The Moodle {MOODLE_IDENTIFIERS[identifier]} of {', '.join(unknown)} is not known: "
            "collect again with a grading worksheet that shows it as --roster, or choose another "
            "--identifier (nothing was written).",
        )
    header = [MOODLE_IDENTIFIERS[identifier], assignment, f"{assignment} (feedback)"]
    return _write(output, header, sorted(rows), assignment)


# The worksheet's headers are Moodle's strings in the teacher's interface language: English
# and the Japanese language pack (mod/assign and core strings ``grade``, ``maxgrade``,
# ``lastmodifiedgrade``; assignfeedback_comments ``pluginname``).
WORKSHEET_IDENTIFIER = ("Identifier", "識別子")
WORKSHEET_GRADE = ("Grade", "評点", "評定")
WORKSHEET_MAX_GRADE = ("Maximum grade", "Maximum Grade", "最高評点", "最大評点")
WORKSHEET_MODIFIED = ("Last modified (grade)", "最終更新日時 (評定)", "最終更新日時 (評点)")
WORKSHEET_FEEDBACK = ("Feedback comments", "フィードバックコメント")


def _worksheet_column(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((i for i, h in enumerate(header) if h.strip() in names), None)


def moodle_worksheet(course: Path, assignment: str, worksheet: Path, output: Path) -> Path:
    """The assignment's grading worksheet (CSV) ``worksheet``, as Moodle gave it, with each
    graded student's points (after any late penalty) in its "Grade" column and the per-question
    comment in its "Feedback comments" column (if the assignment has that feedback type),
    written to ``output`` for the assignment's "Upload grading worksheet" (``worksheet`` is
    not changed; see the module's description for why this route keeps grades editable).

    Students are matched by the participant number (``collect --roster`` kept it); every
    other row and cell is written as it was, so students not graded keep an empty grade,
    which the upload skips. Headers are found in English or Japanese.

    Args:
        course: The nbgrader course folder.
        assignment: The graded assignment's name.
        worksheet: The grading worksheet downloaded from Moodle (UTF-8 CSV).
        output: The file to write (its folder is created).

    Raises:
        GradingError: (nothing written) the gradebook cannot be opened, the assignment has
            not been graded, the worksheet cannot be read as a CSV,
            the file has no "Participant N", "Grade" or
            "Last modified (grade)" column (Moodle's upload needs all three), a graded student
            is not on it, or a score is above the worksheet's maximum grade (Moodle's upload
            skips such a row without saying so).
        OSError: if ``output`` cannot be written.
    """
    students, graded = _scores(course, [assignment])
    try:
        with worksheet.open(encoding="utf-8-sig", newline="") as fh:
            table = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise GradingError(
            f"{worksheet} を CSV として読めません。Moodle の課題の「評定ワークシートを"
            "ダウンロードする」で得たファイルを指定してください。",
            f"{worksheet} cannot be read as a CSV: give the file from the assignment's "
            "'Download grading worksheet'.",
        ) from exc
    header = table[0] if table else []
    rows = [row + [""] * (len(header) - len(row)) for row in table[1:]]  # as wide as the header
    ident = _worksheet_column(header, WORKSHEET_IDENTIFIER)
    if ident is None:  # found by content: "Participant N" in every row
        ident = next(
            (
                i
                for i in range(len(header))
                if rows and all(_PARTICIPANT.fullmatch(r[i]) for r in rows)
            ),
            None,
        )
    grade = _worksheet_column(header, WORKSHEET_GRADE)
    modified = _worksheet_column(header, WORKSHEET_MODIFIED)
    if ident is None or grade is None or modified is None:
        raise GradingError(
            f"{worksheet.name} に「参加者 N」「評点」「最終更新日時 (評定)」の列が見つかりません。"
            "課題の設定の「フィードバックタイプ」で「オフライン評定ワークシート」を有効にしてから、"
            "「評定ワークシートをダウンロードする」で得た CSV をそのまま指定してください"
            "（何も書き出していません）。",
            f"{worksheet.name} lacks the 'Participant N', 'Grade' and 'Last modified (grade)' "
            "columns: turn on the feedback type 'Offline grading worksheet' in the assignment's "
            "settings and give the CSV from 'Download grading worksheet' as it is (nothing was "
            "written).",
        )
    feedback = _worksheet_column(header, WORKSHEET_FEEDBACK)
    maximum = _worksheet_column(header, WORKSHEET_MAX_GRADE)
    by_participant = {
        done.lms["participant"]: (student, done)
        for (student, _), done in graded.items()
        if done.lms.get("participant")
    }
    unknown = sorted(s for (s, _), d in graded.items() if not d.lms.get("participant"))
    filled, too_high = set(), []
    for row in rows:
        number = _DIGITS.search(row[ident])
        found = by_participant.get(number.group(0)) if number else None
        if found is None:
            continue
        student, done = found
        row[grade] = _number(done.score)
        if feedback is not None:
            row[feedback] = done.comment
        top = _float_or_none(row[maximum]) if maximum is not None else None
        if top is not None and done.score > top:
            too_high.append(f"{student} ({_number(done.score)} > {_number(top)})")
        filled.add(student)
    if missing := sorted(set(unknown) | {s for s, _ in by_participant.values()} - filled):
        raise GradingError(
            f"評定ワークシートにない学生がいます: {', '.join(missing)}。Moodle から集めた提出か、"
            "この課題のワークシートかを確かめ、ダウンロードし直してください（何も書き出していません）。",
            f"Not on the grading worksheet: {', '.join(missing)}. Check that they were collected "
            "from this Moodle assignment, and download the worksheet again (nothing was written).",
        )
    if too_high:
        raise GradingError(
            f"点数がワークシートの最高評点より大きい学生がいます: {', '.join(too_high)}。Moodle は"
            "その行を読みとばすので、課題の「最高評点」を課題の満点（denchi grade status の"
            "「満点」）に合わせてからダウンロードし直してください（何も書き出していません）。",
            f"Scores above the worksheet's maximum grade: {', '.join(too_high)}. Moodle skips such "
            "rows: set the assignment's maximum grade to the assignment's full marks (denchi grade "
            "status) and download the worksheet again (nothing was written).",
        )
    return write_csv(output, header, rows)


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def manaba_csv(course: Path, assignment: str, output: Path) -> Path:
    """A CSV to look up into manaba's 成績登録シート (see the module's description).

    Args:
        course: The nbgrader course folder.
        assignment: The graded assignment's name.
        output: The file to write (its folder is created).

    Raises:
        GradingError: (nothing written) if the gradebook cannot be opened, the assignment
            has not been graded, or no submission of it is graded.
        OSError: if ``output`` cannot be written.
    """
    students, graded = _scores(course, [assignment])
    rows = []
    for student, _, last, first, user_id in students:
        if (done := graded.get((student, assignment))) is not None:
            name = f"{last} {first}".strip()
            rows.append([student, user_id, name, _number(done.score), done.late.note()])
    header = ["学籍番号", "ユーザID", "氏名", "合計点", "提出遅れ"]
    return _write(output, header, sorted(rows), assignment)


MANABA_SCORE_COLUMN = "合計点"
MANABA_NUMBER_COLUMN = "学籍番号"
HEADER_ROWS_SEARCHED = 20


def manaba_sheet(course: Path, assignment: str, sheet: Path, output: Path) -> Path:
    """manaba's own grade sheet (「成績登録シート」, Excel), filled in: a copy of ``sheet`` (the
    file the teacher downloaded from manaba) with each graded student's points in its
    「合計点」 column, found by 学籍番号, written to ``output`` (``sheet`` is not changed).

    The header row is the first row (of the first 20) with both a 「学籍番号」 and a 「合計点」
    cell, so title rows and extra columns are kept as they are.

    Args:
        course: The nbgrader course folder.
        assignment: The graded assignment's name.
        sheet: The 成績登録シート downloaded from manaba (.xlsx).
        output: The file to write (its folder is created).

    Raises:
        GradingError: (nothing written) if the gradebook cannot be opened, the assignment has
            not been graded, the sheet cannot be read, has no such header, or lacks a student
            who was graded.
        OSError: if ``output`` cannot be written.
    """
    import openpyxl
    from openpyxl.comments import Comment

    students, graded = _scores(course, [assignment])
    done = {s: graded[(s, assignment)] for s, *_ in students if (s, assignment) in graded}
    points = {s: g.score for s, g in done.items()}
    try:
        book = openpyxl.load_workbook(sheet)
    except Exception as exc:  # not a file, not an .xlsx, damaged
        raise GradingError(
            f"{sheet} を Excel のファイルとして読めません。manaba の「成績登録シート」を"
            "ダウンロードしたファイルを指定してください。",
            f"{sheet} cannot be read as an Excel file: give the grade sheet downloaded from "
            "manaba.",
        ) from exc
    ws = book.active
    header = next(
        (
            row
            for row in ws.iter_rows(max_row=HEADER_ROWS_SEARCHED)
            if {MANABA_NUMBER_COLUMN, MANABA_SCORE_COLUMN}
            <= {str(c.value).strip() for c in row if c.value is not None}
        ),
        None,
    )
    if header is None:
        raise GradingError(
            f"{sheet.name} に「{MANABA_NUMBER_COLUMN}」と「{MANABA_SCORE_COLUMN}」の列が"
            "見つかりません。manaba の「成績登録シート」を指定してください。",
            f"{sheet.name} has no '{MANABA_NUMBER_COLUMN}' and '{MANABA_SCORE_COLUMN}' columns: "
            "give manaba's grade sheet.",
        )
    column = {str(c.value).strip(): c.column for c in header if c.value is not None}
    filled = set()
    for row in ws.iter_rows(min_row=header[0].row + 1):
        number = row[column[MANABA_NUMBER_COLUMN] - 1].value
        key = str(number).strip() if number is not None else ""
        if key in points:
            cell = row[column[MANABA_SCORE_COLUMN] - 1]
            cell.value = points[key]
            if note := done[key].late.note():  # an Excel note: no value or column changes
                cell.comment = Comment(note, "denchi")
            filled.add(key)
    if missing := sorted(set(points) - filled):
        raise GradingError(
            f"成績登録シートにない学生がいます: {', '.join(missing)}。最新のシートを"
            "ダウンロードし直してください（何も書き出していません）。",
            f"Not on the grade sheet: {', '.join(missing)}. Download the sheet again "
            "(nothing was written).",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    book.save(output)
    return output


NBGRADER_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]


def nbgrader_csv(course: Path, assignments: list[str], output: Path) -> Path:
    """nbgrader's own CSV (the columns and values of ``nbgrader export``), written with
    :func:`denchi.grading.spreadsheet.write_csv`: nbgrader's writer joins values with commas
    unquoted (a name with a comma shifts the columns), escapes no formula and has no BOM.

    Args:
        course: The nbgrader course folder.
        assignments: The graded assignments' names.
        output: The file to write (its folder is created).

    Raises:
        GradingError: if the gradebook cannot be opened or an assignment has not been graded.
        OSError: if ``output`` cannot be written.
    """
    from nbgrader.api import MissingEntry

    _scores(course, assignments)  # the same clear error for an ungraded assignment
    rows = []
    with open_gradebook(course) as gb:
        for assignment in gb.assignments:
            if assignment.name not in assignments:
                continue
            for student in gb.students:
                try:
                    sub = gb.find_submission(assignment.name, student.id)
                    late, timestamp = lateness(sub), sub.timestamp
                except MissingEntry:  # nbgrader scores a missing submission 0
                    late, timestamp = Lateness(0.0), None
                values = [
                    assignment.name,
                    assignment.duedate,
                    timestamp,
                    student.id,
                    student.last_name,
                    student.first_name,
                    student.email,
                    late.raw_score,
                    late.penalty,
                    late.score,
                    assignment.max_score,
                ]
                rows.append(["" if v is None else str(v) for v in values])
    return write_csv(output, NBGRADER_COLUMNS, rows)
