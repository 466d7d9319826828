"""`denchi grade`: the whole cycle a teacher runs (generate, collect a Moodle or manaba zip,
autograde, feedback, export for the LMS), and clear errors for bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
import zipfile
from datetime import datetime, timedelta, timezone

import nbformat
import pytest
from grading_support import (
    ASSIGNMENT,
    NOTEBOOK,
    RIGHT,
    ROOT,
    WRONG,
    copy_course,
    html_text,
    make_course,
    source_notebook,
    student_notebook,
)
from nbgrader.api import Gradebook

from denchi.cli import main
from denchi.grading.collect import collect
from denchi.grading.errors import GradingError
from denchi.grading.nbconfig import gradebook_url

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)

FAST = ["--time-limit", "60", "--memory-mb", "600", "--workers", "2"]
WORKSHEET = (  # Moodle's grading worksheet, downloaded from a Japanese-language Moodle
    "識別子,フルネーム,メールアドレス,ステータス,評点,最高評点\n"
    "参加者 101,山田 太郎,Taro@example.ac.jp,提出済み,,3.00\n"
    "参加者 102,鈴木 花子,hanako@example.ac.jp,提出済み,,3.00\n"
    "参加者 103,佐藤 次郎,jiro@example.ac.jp,提出済み,,3.00\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("cli") / "course")


def _notebook_bytes(course, answers) -> bytes:
    return nbformat.writes(student_notebook(course, answers)).encode()


def _zip(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _moodle_zip_both_right(course, path):
    """A Moodle download in which 山田 太郎 (101) and 鈴木 花子 (102) hand in right answers."""
    notebook = _notebook_bytes(course, RIGHT)
    return _zip(
        path,
        {
            "山田 太郎_101_assignsubmission_file/tiny.ipynb": notebook,
            "鈴木 花子_102_assignsubmission_file/tiny.ipynb": notebook,
        },
    )


def _csv(path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")  # Moodle and Excel read the BOM
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(text)))


def test_the_whole_cycle_with_moodle(template, tmp_path, capsys):
    course = copy_course(template, tmp_path / "course")
    args = ["--course", str(course)]
    assert main(["grade", "generate", ASSIGNMENT, *args]) == 0
    submissions = _zip(
        tmp_path / "moodle.zip",
        {
            "山田 太郎_101_assignsubmission_file/tiny.ipynb": _notebook_bytes(course, WRONG),
            "鈴木 花子_102_assignsubmission_file_my work.ipynb": _notebook_bytes(course, RIGHT),
            "佐藤 次郎_103_assignsubmission_file/report.pdf": b"%PDF-1.4",
        },
    )
    roster = tmp_path / "worksheet.csv"
    roster.write_text(WORKSHEET, encoding="utf-8-sig")
    assert (
        main(["grade", "collect", ASSIGNMENT, str(submissions), "--roster", str(roster), *args])
        == 0
    )
    said = capsys.readouterr().out
    assert "moodle" in said and "report.pdf" in said and "jiro@example.ac.jp" in said
    assert (course / "submitted" / "taro@example.ac.jp").is_dir()  # ids in lower case
    assert main(["grade", "autograde", ASSIGNMENT, *FAST, *args]) == 0
    said = capsys.readouterr().out
    assert "taro@example.ac.jp" in said and "hanako@example.ac.jp" in said
    back = tmp_path / "return.zip"
    assert main(["grade", "feedback", ASSIGNMENT, "--zip", str(back), *args]) == 0
    with zipfile.ZipFile(back) as bundle:
        assert sorted(bundle.namelist()) == [
            "山田 太郎_101_assignsubmission_file_tiny.html",
            "鈴木 花子_102_assignsubmission_file_tiny.html",
        ]
    out = tmp_path / "moodle.csv"
    assert (
        main(["grade", "export", ASSIGNMENT, "--format", "moodle", "--output", str(out), *args])
        == 0
    )
    assert _csv(out) == [  # only those who handed in; addresses as Moodle wrote them
        ["Email address", ASSIGNMENT, f"{ASSIGNMENT} (feedback)"],
        ["Taro@example.ac.jp", "1", "自動採点 1/3 点（問1 0/2、問2 1/1）"],
        ["hanako@example.ac.jp", "3", "自動採点 3/3 点（問1 2/2、問2 1/1）"],
    ]
    nbgrader_out = tmp_path / "grades.csv"
    assert main(["grade", "export", ASSIGNMENT, "--output", str(nbgrader_out), *args]) == 0
    rows = list(csv.DictReader(nbgrader_out.open()))
    assert {r["student_id"]: float(r["score"]) for r in rows} == {
        "hanako@example.ac.jp": 3.0,
        "taro@example.ac.jp": 1.0,
    }
    assert main(["grade", "status", ASSIGNMENT, *args]) == 0
    assert "採点済み (graded) 2 件" in capsys.readouterr().out


def test_manaba_zip_and_export(template, tmp_path):
    course = copy_course(template, tmp_path / "course")
    submissions = _zip(
        tmp_path / "manaba.zip",
        {
            "20240002@s1002@tiny.ipynb": _notebook_bytes(course, RIGHT),
            "20240001@s1001@kadai.ipynb": _notebook_bytes(course, WRONG),
        },
    )
    done = collect(course, ASSIGNMENT, submissions)
    assert done.layout == "manaba" and done.students == ["20240001", "20240002"]
    args = ["--course", str(course)]
    assert main(["grade", "autograde", ASSIGNMENT, *FAST, *args]) == 0
    out = tmp_path / "manaba.csv"
    assert (
        main(["grade", "export", ASSIGNMENT, "--format", "manaba", "--output", str(out), *args])
        == 0
    )
    assert _csv(out) == [
        ["学籍番号", "ユーザID", "氏名", "合計点", "提出遅れ"],
        ["20240001", "s1001", "", "1", ""],
        ["20240002", "s1002", "", "3", ""],
    ]


def test_a_second_collect_archives_the_first_submission(template, tmp_path):
    course = copy_course(template, tmp_path / "course")
    for answers in (WRONG, RIGHT):
        zipped = _zip(
            tmp_path / "again.zip", {"alice/tiny.ipynb": _notebook_bytes(course, answers)}
        )
        done = collect(course, ASSIGNMENT, zipped)
    assert done.layout == "generic" and done.archived == ["alice"]
    archived = list((course / "submitted_archive" / "alice" / ASSIGNMENT).glob("*/tiny.ipynb"))
    assert len(archived) == 1 and "2.5 + 2" in archived[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"a/report.pdf": b"%PDF"}, ["tiny.ipynb", "no notebook"]),
        ({"a/tiny.ipynb": b"{not json"}, ["tiny.ipynb", "nothing was changed"]),
        ({"../evil.ipynb": b"{}"}, ["../evil.ipynb"]),
        ({"a/x.ipynb": b"{}", "a/y.ipynb": b"{}"}, ["2 notebooks"]),
        ({"太郎/tiny.ipynb": b"{}"}, ["太郎", "student id"]),
    ],
)
def test_bad_zips_get_clear_errors_and_change_nothing(template, tmp_path, files, words):
    course = copy_course(template, tmp_path / "course")
    with pytest.raises(GradingError) as error:
        collect(course, ASSIGNMENT, _zip(tmp_path / "bad.zip", files))
    assert all(word in str(error.value) for word in words), str(error.value)
    assert not (course / "submitted").exists()


def test_duplicate_students_are_refused(template, tmp_path):
    course = copy_course(template, tmp_path / "course")
    roster = tmp_path / "worksheet.csv"
    roster.write_text(WORKSHEET.replace("hanako@", "taro@"), encoding="utf-8-sig")
    zipped = _moodle_zip_both_right(course, tmp_path / "dup.zip")
    with pytest.raises(GradingError, match="同じ学生 ID"):
        collect(course, ASSIGNMENT, zipped, roster=roster)
    assert not (course / "submitted").exists()


def test_errors_reach_the_teacher_without_a_traceback(template, tmp_path, capsys):
    course = copy_course(template, tmp_path / "course")
    not_a_zip = tmp_path / "notes.txt"
    not_a_zip.write_text("hello")
    assert main(["grade", "collect", ASSIGNMENT, str(not_a_zip), "--course", str(course)]) == 2
    assert main(["grade", "autograde", "no_such", "--course", str(course)]) == 2
    assert main(["grade", "feedback", ASSIGNMENT, "--course", str(course)]) == 2
    assert main(["grade", "status", ASSIGNMENT, "--course", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "zip" in err and "no_such" in err and "nbgrader_config.py" in err
    assert "autograde" in err  # feedback before grading says what to do first
    assert "Traceback" not in err


def test_moodle_export_needs_e_mail_addresses(template, tmp_path):
    course = copy_course(template, tmp_path / "course")
    folder = tmp_path / "plain"
    (folder / "alice").mkdir(parents=True)
    nbformat.write(student_notebook(course, RIGHT), folder / "alice" / "tiny.ipynb")
    collect(course, ASSIGNMENT, folder)  # a plain folder: no e-mail addresses known
    out = tmp_path / "moodle.csv"
    from denchi.grading.export import moodle_csv

    with pytest.raises(GradingError, match="まだ採点"):  # collected, not graded
        moodle_csv(course, ASSIGNMENT, out)
    with Gradebook(gradebook_url(course)) as gb:  # as if graded
        gb.update_or_create_submission(ASSIGNMENT, "alice")
    with pytest.raises(GradingError, match="alice"):
        moodle_csv(course, ASSIGNMENT, out)
    assert not out.exists()


WORKSHEET_WITH_ID_NUMBERS = (  # the same worksheet on a site that shows users' ID numbers
    "識別子,フルネーム,ID ナンバー,メールアドレス,ステータス,評点,最高評点\n"
    "参加者 101,山田 太郎,s2024001,Taro@example.ac.jp,提出済み,,3.00\n"
    "参加者 102,鈴木 花子,,hanako@example.ac.jp,提出済み,,3.00\n"
)


def test_moodle_students_are_known_by_their_student_number_the_seed_of_their_data(
    template, tmp_path
):
    """One rule for the seed of seeded data: the 学籍番号, which Moodle keeps as the user's ID
    number. Where the worksheet has it, it is the student id (so the seed); where it does not,
    the e-mail address is, and the teacher is told whose data then differ from the pages."""
    course = copy_course(template, tmp_path / "course")
    submissions = _moodle_zip_both_right(course, tmp_path / "moodle.zip")
    roster = tmp_path / "worksheet.csv"
    roster.write_text(WORKSHEET_WITH_ID_NUMBERS, encoding="utf-8-sig")
    done = collect(course, ASSIGNMENT, submissions, roster=roster)
    assert done.students == ["hanako@example.ac.jp", "s2024001"]
    kept = json.loads((course / "submitted" / "s2024001" / ASSIGNMENT / "lms.json").read_text())
    assert kept["email"] == "Taro@example.ac.jp" and kept["idnumber"] == "s2024001"
    warned = next(w for w in done.warnings if "seed" in w)  # (the other: no hand-in times)
    assert "hanako@example.ac.jp" in warned and "学籍番号" in warned
    assert "s2024001" not in warned


def _fresh_course(folder):
    """A course on a grading PC that never ran `generate`: configuration and sources only."""
    folder.mkdir(parents=True)
    shutil.copy2(ROOT / "assessments" / "nbgrader_config.py", folder / "nbgrader_config.py")
    (folder / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), folder / "source" / ASSIGNMENT / NOTEBOOK)
    return folder


def _class_folder(template, folder):
    for student in ("alice", "bob"):
        (folder / student).mkdir(parents=True)
        nbformat.write(student_notebook(template, RIGHT), folder / student / NOTEBOOK)
    return folder


def test_collect_works_on_a_fresh_course_without_tools_on_path(template, tmp_path, monkeypatch):
    """nbgrader creates a new gradebook with the `alembic` command, which is in the virtual
    environment, not on a teacher's PATH."""
    course = _fresh_course(tmp_path / "course")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    done = collect(course, ASSIGNMENT, _class_folder(template, tmp_path / "class"))
    assert done.students == ["alice", "bob"]
    with Gradebook(gradebook_url(course)) as gb:
        assert sorted(s.id for s in gb.students) == ["alice", "bob"]


def test_collect_is_all_or_nothing(template, tmp_path):
    """When the gradebook cannot take the students, no submission folder is left behind."""
    course = _fresh_course(tmp_path / "course")
    (course / "gradebook.db").write_bytes(b"not a database, e.g. a broken copy")
    with pytest.raises(GradingError, match="gradebook.db"):
        collect(course, ASSIGNMENT, _class_folder(template, tmp_path / "class"))
    assert sorted(p.name for p in course.iterdir()) == [
        "gradebook.db",
        "nbgrader_config.py",
        "source",
    ]


def _as_if_graded(course, students):
    with Gradebook(gradebook_url(course)) as gb:
        for student in students:
            gb.update_or_create_submission(ASSIGNMENT, student)


def test_moodle_identifier_column_holds_the_field_it_is_named_after(template, tmp_path):
    course = copy_course(template, tmp_path / "course")
    submissions = _moodle_zip_both_right(course, tmp_path / "moodle.zip")
    roster = tmp_path / "worksheet.csv"
    roster.write_text(WORKSHEET_WITH_ID_NUMBERS.replace(",,hanako", ",s2024002,hanako"), "utf-8")
    collect(course, ASSIGNMENT, submissions, roster=roster)
    _as_if_graded(course, ["s2024001", "s2024002"])
    from denchi.grading.export import moodle_csv

    by_email = _csv(moodle_csv(course, ASSIGNMENT, tmp_path / "e.csv"))
    by_number = _csv(moodle_csv(course, ASSIGNMENT, tmp_path / "i.csv", identifier="idnumber"))
    assert by_email[0][:2] == ["Email address", ASSIGNMENT]
    assert [r[0] for r in by_email[1:]] == ["Taro@example.ac.jp", "hanako@example.ac.jp"]
    assert by_number[0][:2] == ["ID number", ASSIGNMENT]
    assert [r[0] for r in by_number[1:]] == ["s2024001", "s2024002"]
    assert by_number[0][2] == f"{ASSIGNMENT} (feedback)"  # a feedback-comment column
    assert all(r[2] for r in by_number[1:])
    with pytest.raises(GradingError, match="s2024001") as refused:  # no usernames known
        moodle_csv(course, ASSIGNMENT, tmp_path / "u.csv", identifier="username")
    assert "ユーザ名" in str(refused.value) and not (tmp_path / "u.csv").exists()


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped_in_every_export(template, tmp_path):
    """A name such as =HYPERLINK(...) from an LMS roster must not run in Excel (OWASP: prefix
    a single quote); every CSV the page says Excel opens starts with the UTF-8 BOM."""
    from denchi.grading.export import manaba_csv, nbgrader_csv
    from denchi.grading.spreadsheet import safe_cell

    assert [safe_cell(v) for v in ("=1+2", "+A1", "-1+1", "@SUM(A1)", "\t=1", "山田")] == [
        "'=1+2",
        "'+A1",
        "'-1+1",
        "'@SUM(A1)",
        "'\t=1",
        "山田",
    ]
    assert safe_cell(-1.5) == -1.5 and safe_cell("-1.5") == "-1.5"  # numbers stay numbers
    course = copy_course(template, tmp_path / "course")
    folder = tmp_path / "plain"
    (folder / "s1").mkdir(parents=True)
    nbformat.write(student_notebook(course, RIGHT), folder / "s1" / "tiny.ipynb")
    collect(course, ASSIGNMENT, folder)
    with Gradebook(gradebook_url(course)) as gb:
        gb.update_or_create_student("s1", last_name='=HYPERLINK("http://x","y")')
    _as_if_graded(course, ["s1"])
    manaba = _csv(manaba_csv(course, ASSIGNMENT, tmp_path / "m.csv"))
    assert manaba[1][2] == '\'=HYPERLINK("http://x","y")'
    rows = _csv(nbgrader_csv(course, [ASSIGNMENT], tmp_path / "n.csv"))
    assert rows[1][rows[0].index("last_name")] == '\'=HYPERLINK("http://x","y")'


def _manaba_sheet(path, numbers):
    """A grade sheet as manaba gives it: title rows, a header row, one row per student."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["成績登録シート"])
    sheet.append([])
    sheet.append(["学籍番号", "ユーザID", "氏名", "合計点", "コメント"])
    for number in numbers:
        sheet.append([number, f"u{number}", "名前", None, None])
    book.save(path)
    return path


def test_manaba_grade_sheet_is_filled_in(template, tmp_path):
    """manaba imports its own Excel sheet: the teacher's downloaded sheet gets the scores."""
    import openpyxl

    course = copy_course(template, tmp_path / "course")
    submissions = _zip(
        tmp_path / "manaba.zip",
        {
            "20240002@s1002@tiny.ipynb": _notebook_bytes(course, RIGHT),
            "20240001@s1001@kadai.ipynb": _notebook_bytes(course, WRONG),
        },
    )
    collect(course, ASSIGNMENT, submissions)
    _as_if_graded(course, ["20240001", "20240002"])
    sheet = _manaba_sheet(tmp_path / "sheet.xlsx", [20240001, "20240002", "20240003"])
    out = tmp_path / "filled.xlsx"
    args = ["--course", str(course), "--format", "manaba", "--sheet", str(sheet)]
    assert main(["grade", "export", ASSIGNMENT, *args, "--output", str(out)]) == 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[3]) for r in rows] == [(20240001, 0), ("20240002", 0), ("20240003", None)]
    assert openpyxl.load_workbook(sheet).active["D4"].value is None  # the download is kept
    lost = _manaba_sheet(tmp_path / "other.xlsx", ["20249999"])
    with pytest.raises(GradingError, match="20240001"):  # a graded student not on the sheet
        from denchi.grading.export import manaba_sheet

        manaba_sheet(course, ASSIGNMENT, lost, tmp_path / "never.xlsx")
    assert not (tmp_path / "never.xlsx").exists()


# Moodle's grading worksheet as a Japanese-language Moodle writes it (offline grading worksheet
# feedback type and feedback comments on). Headers are Moodle's strings: mod/assign recordid,
# core grade and maxgrade, lastmodifiedsubmission, lastmodifiedgrade, assignfeedback_comments.
OFFLINE_WORKSHEET = (
    "識別子,フルネーム,メールアドレス,ステータス,評点,最高評点,評定を変更できる,"
    "最終更新日時 (提出),最終更新日時 (評定),フィードバックコメント\n"
    "参加者 101,山田 太郎,Taro@example.ac.jp,評定のため提出,,3.00,はい,"
    '"2026年 04月 10日(金曜日) 16:00",-,\n'
    "参加者 102,鈴木 花子,hanako@example.ac.jp,評定のため提出,,3.00,はい,"
    '"2026年 04月 10日(金曜日) 16:30",-,\n'
    "参加者 103,佐藤 次郎,jiro@example.ac.jp,未提出,,3.00,はい,-,-,\n"
)
MOODLE_JA = {  # the strings assignfeedback_offline_grade_importer looks for, in Japanese
    "recordid": "識別子",
    "grade": "評点",
    "lastmodifiedgrade": "最終更新日時 (評定)",
    "hiddenuser": "参加者",
    "feedback": "フィードバックコメント",
}


def _as_moodles_worksheet_upload_reads_it(path, strings=MOODLE_JA):
    """What the assignment's "Upload grading worksheet" takes from a CSV, or None if it refuses
    the file. As mod/assign/feedback/offline/importgradeslib.php does: init() finds the columns
    whose header is exactly the grade, record id and last-modified strings (all three needed)
    and one per feedback field; next() strips the "Participant" string from the identifier to
    get the participant number. Then locallib.php process_import_grades() skips an empty grade.
    """
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    header = rows[0]
    needed = [strings["recordid"], strings["grade"], strings["lastmodifiedgrade"]]
    if not set(needed) <= set(header):
        return None
    ident, grade = header.index(needed[0]), header.index(needed[1])
    comments = header.index(strings["feedback"]) if strings["feedback"] in header else None
    return {
        row[ident][len(strings["hiddenuser"]) :].strip(): (
            row[grade],
            row[comments] if comments is not None else "",
        )
        for row in rows[1:]
        if row[grade] != ""
    }


def _score_tiny(course, scores: dict[str, dict[str, float]]):
    """Scores written into nbgrader's gradebook as autograde would (question cell -> points)."""
    with Gradebook(gradebook_url(course)) as gb:
        for student, cells in scores.items():
            gb.update_or_create_submission(ASSIGNMENT, student)
            for cell, points in cells.items():
                found = gb.find_grade(cell, NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, student)
                found.auto_score = points
            gb.db.commit()


def test_moodle_grading_worksheet_is_filled_for_its_upload(template, tmp_path):
    """Moodle's gradebook import makes the assignment's grades "overridden"; the assignment's
    own worksheet upload keeps them editable. Our gradebook CSV does not fit that upload (no
    identifier, grade or last-modified column); the filled worksheet does, and keeps every
    other cell as Moodle wrote it."""
    from denchi.grading.export import moodle_csv

    course = copy_course(template, tmp_path / "course")
    roster = tmp_path / "worksheet.csv"
    roster.write_text(OFFLINE_WORKSHEET, encoding="utf-8-sig")
    collect(course, ASSIGNMENT, _moodle_zip_both_right(course, tmp_path / "m.zip"), roster=roster)
    _score_tiny(
        course,
        {"taro@example.ac.jp": {"q1_test": 2, "q2_test": 0}, "hanako@example.ac.jp": {}},
    )
    gradebook_csv = moodle_csv(course, ASSIGNMENT, tmp_path / "gradebook.csv")
    assert _as_moodles_worksheet_upload_reads_it(gradebook_csv) is None  # does not fit
    out = tmp_path / "filled.csv"
    args = ["--course", str(course), "--format", "moodle", "--sheet", str(roster)]
    assert main(["grade", "export", ASSIGNMENT, *args, "--output", str(out)]) == 0
    assert _as_moodles_worksheet_upload_reads_it(out) == {
        "101": ("2", "自動採点 2/3 点（問1 2/2、問2 0/1）"),
        "102": ("0", "自動採点 0/3 点（問1 0/2、問2 0/1）"),
    }
    before, after = _csv(roster), _csv(out)
    assert after[0] == before[0] and len(after) == len(before)
    grade, comments = before[0].index("評点"), before[0].index("フィードバックコメント")
    # only the grade and comment cells change (Moodle's "-" is written as text, "'-")
    for old, new in zip(before[1:], after[1:], strict=True):
        assert [c for i, c in enumerate(new) if i not in (grade, comments)] == [
            c if c != "-" else "'-" for i, c in enumerate(old) if i not in (grade, comments)
        ]
    assert after[3][grade] == ""  # 佐藤 次郎 handed nothing in: the upload skips the row


def test_moodle_grading_worksheet_refuses_what_the_upload_would_drop(template, tmp_path):
    """A worksheet without the columns Moodle's upload needs, a graded student missing from
    it, or a score above its maximum grade (Moodle skips such rows silently): a bilingual error,
    and nothing written."""
    from denchi.grading.export import moodle_worksheet

    course = copy_course(template, tmp_path / "course")
    roster = tmp_path / "worksheet.csv"
    roster.write_text(OFFLINE_WORKSHEET, encoding="utf-8-sig")
    collect(course, ASSIGNMENT, _moodle_zip_both_right(course, tmp_path / "m.zip"), roster=roster)
    _score_tiny(course, {"taro@example.ac.jp": {"q1_test": 2, "q2_test": 1}})
    out = tmp_path / "never.csv"
    cases = {
        "no-modified.csv": (
            OFFLINE_WORKSHEET.replace("最終更新日時 (評定)", "メモ"),
            "最終更新日時",
        ),
        "one-row.csv": (OFFLINE_WORKSHEET.replace("参加者 101", "参加者 999"), "taro@"),
        "max-2.csv": (OFFLINE_WORKSHEET.replace(",3.00,", ",2.00,"), "最高評点"),
    }
    for name, (text, words) in cases.items():
        sheet = tmp_path / name
        sheet.write_text(text, encoding="utf-8-sig")
        with pytest.raises(GradingError, match=re.escape(words)) as refused:
            moodle_worksheet(course, ASSIGNMENT, sheet, out)
        assert "nothing was written" in str(refused.value) and not out.exists(), name
    assert moodle_worksheet(course, ASSIGNMENT, roster, out) == out  # the right one is filled


def test_collect_records_when_each_student_handed_in(template, tmp_path):
    """manaba's download carries each file's time (no zone: read as Japan time, the course's
    zone); nbgrader reads it from timestamp.txt for due dates and late penalties."""
    from datetime import datetime, timezone

    from nbgrader.utils import parse_utc

    course = copy_course(template, tmp_path / "course")
    handed_in = {"20240001": (2026, 4, 10, 9, 30, 0), "20240002": (2026, 4, 12, 23, 59, 58)}
    path = tmp_path / "manaba.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number, when in handed_in.items():
            info = zipfile.ZipInfo(f"{number}@u{number}@tiny.ipynb", date_time=when)
            archive.writestr(info, _notebook_bytes(course, RIGHT))
    collect(course, ASSIGNMENT, path)
    for number, when in handed_in.items():
        stamp = course / "submitted" / number / ASSIGNMENT / "timestamp.txt"
        recorded = parse_utc(stamp.read_text(encoding="utf-8"))  # naive, in UTC
        in_japan = datetime(*when, tzinfo=JST)  # the course's zone, not the machine's
        assert recorded == in_japan.astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture
def machine_zone(monkeypatch):
    """Set the grading machine's time zone (its TZ, as a server's clock setting) in a test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def _hand_in_times(course, students) -> dict[str, datetime | None]:
    """When nbgrader will take each student to have handed in (timestamp.txt, UTC), if known."""
    from nbgrader.utils import parse_utc

    stamps = {s: course / "submitted" / s / ASSIGNMENT / "timestamp.txt" for s in students}
    return {
        s: parse_utc(p.read_text(encoding="utf-8")) if p.exists() else None
        for s, p in stamps.items()
    }


def _seconds_late(course, handed_in: dict[str, datetime | None], due_utc: datetime):
    """nbgrader's own lateness (SubmittedAssignment.total_seconds_late) for these times."""
    with Gradebook(gradebook_url(course)) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=due_utc)
        for student, when in handed_in.items():
            gb.update_or_create_submission(ASSIGNMENT, student, timestamp=when)
        return {s: gb.find_submission(ASSIGNMENT, s).total_seconds_late for s in handed_in}


def test_zip_times_are_read_in_the_course_time_zone_on_any_machine(
    template, tmp_path, machine_zone, capsys
):
    """A zip entry's time has no zone. Read in the course's zone (Asia/Tokyo unless set), the
    same zip gives the same lateness on a grading server in UTC and on a PC in Japan; collect
    says which zone it used, and the course setting changes it."""
    path = tmp_path / "manaba.zip"
    handed_in = {"20240001": (2026, 4, 10, 17, 30, 0), "20240002": (2026, 4, 10, 16, 0, 0)}
    with zipfile.ZipFile(path, "w") as archive:
        for number, when in handed_in.items():
            info = zipfile.ZipInfo(f"{number}@u{number}@tiny.ipynb", date_time=when)
            archive.writestr(info, _notebook_bytes(template, RIGHT))
    due = datetime(2026, 4, 10, 8, 0)  # 17:00 in Japan, in UTC as nbgrader keeps it
    seen, said = {}, []
    for zone in ("UTC", "Asia/Tokyo"):
        machine_zone(zone)
        course = copy_course(template, tmp_path / zone.replace("/", "-"))
        assert main(["grade", "collect", ASSIGNMENT, str(path), "--course", str(course)]) == 0
        said.append(capsys.readouterr().out)
        times = _hand_in_times(course, handed_in)
        seen[zone] = (times, _seconds_late(course, times, due))
    assert seen["UTC"] == seen["Asia/Tokyo"]
    times, late = seen["UTC"]
    assert times == {"20240001": datetime(2026, 4, 10, 8, 30), "20240002": datetime(2026, 4, 10, 7)}
    assert late == {"20240001": 1800.0, "20240002": 0.0}
    assert all("Asia/Tokyo" in out for out in said)  # collect says which zone it read them in
    course = copy_course(template, tmp_path / "utc-school")  # a school that sets its zone
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write('\nc.DenchiCourse.timezone = "UTC"\n')
    collect(course, ASSIGNMENT, path)
    assert _hand_in_times(course, ["20240001"]) == {"20240001": datetime(2026, 4, 10, 17, 30)}


def test_moodle_hand_in_times_come_from_the_grading_worksheet(
    template, tmp_path, machine_zone, capsys
):
    """Moodle's "Download all submissions" zip stamps every file with the time of the download;
    when each student handed in is the worksheet's "Last modified (submission)", read in the
    course's zone. Without it, no time is made up and collect says so."""
    course_files = {
        "山田 太郎_101_assignsubmission_file/tiny.ipynb": _notebook_bytes(template, RIGHT),
        "鈴木 花子_102_assignsubmission_file/tiny.ipynb": _notebook_bytes(template, RIGHT),
    }
    path = tmp_path / "moodle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in course_files.items():  # downloaded ten days after the due date
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 4, 20, 10, 0, 0)), data)
    roster = tmp_path / "worksheet.csv"
    roster.write_text(OFFLINE_WORKSHEET, encoding="utf-8-sig")  # 16:00 and 16:30 on 10 April
    students = ["taro@example.ac.jp", "hanako@example.ac.jp"]
    seen = {}
    for zone in ("UTC", "Asia/Tokyo"):
        machine_zone(zone)
        course = copy_course(template, tmp_path / zone.replace("/", "-"))
        args = ["--roster", str(roster), "--course", str(course)]
        assert main(["grade", "collect", ASSIGNMENT, str(path), *args]) == 0
        seen[zone] = _hand_in_times(course, students)
    assert (
        seen["UTC"]
        == seen["Asia/Tokyo"]
        == {
            "taro@example.ac.jp": datetime(2026, 4, 10, 7, 0),
            "hanako@example.ac.jp": datetime(2026, 4, 10, 7, 30),
        }
    )
    english = OFFLINE_WORKSHEET.replace(
        "最終更新日時 (提出)", "Last modified (submission)"
    ).replace("2026年 04月 10日(金曜日) 16:30", "Friday, 10 April 2026, 4:30 PM")
    roster.write_text(english, encoding="utf-8-sig")
    course = copy_course(template, tmp_path / "english")
    collect(course, ASSIGNMENT, path, roster=roster)
    assert _hand_in_times(course, students)["hanako@example.ac.jp"] == datetime(2026, 4, 10, 7, 30)
    capsys.readouterr()
    course = copy_course(template, tmp_path / "no-worksheet")
    assert main(["grade", "collect", ASSIGNMENT, str(path), "--course", str(course)]) == 0
    said = capsys.readouterr().out
    assert "moodle-101" in said and "提出時刻が分からない" in said and "No hand-in time" in said
    assert _hand_in_times(course, ["moodle-101", "moodle-102"]) == {
        "moodle-101": None,
        "moodle-102": None,
    }


def test_status_shows_late_work(template, tmp_path, capsys):
    """A student who handed in after the due date is shown late in `status`."""
    from datetime import datetime, timedelta, timezone

    course = copy_course(template, tmp_path / "course")
    due = datetime(2026, 4, 10, 17, 0, 0)
    path = tmp_path / "manaba.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number, when in (("20240001", due - timedelta(hours=1)), ("20240002", due)):
            late = when + timedelta(hours=26) if number == "20240002" else when
            info = zipfile.ZipInfo(f"{number}@u{number}@tiny.ipynb", date_time=late.timetuple()[:6])
            archive.writestr(info, _notebook_bytes(course, RIGHT))
    collect(course, ASSIGNMENT, path)
    with Gradebook(gradebook_url(course)) as gb:
        utc = due.replace(tzinfo=JST).astimezone(timezone.utc).replace(tzinfo=None)  # UTC
        gb.update_or_create_assignment(ASSIGNMENT, duedate=utc)
    args = ["--course", str(course)]
    assert main(["grade", "autograde", ASSIGNMENT, *FAST, *args]) == 0
    capsys.readouterr()
    assert main(["grade", "status", ASSIGNMENT, *args]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line}
    assert "遅れ" not in lines["20240001"]
    assert "提出遅れ 26 時間 (late by 26 h): 減点なし (no penalty)" in lines["20240002"]


JST = timezone(timedelta(hours=9))


def _collect_handed_in(course, tmp_path, handed_in: dict, answers=RIGHT):
    """Collect a manaba zip whose files carry the given times (as its download does: without
    a zone, which collect reads as the course's, Japan time)."""
    path = tmp_path / "manaba.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number, when in handed_in.items():
            local = when.astimezone(JST).timetuple()[:6]
            info = zipfile.ZipInfo(f"{number}@u{number}@tiny.ipynb", date_time=local)
            archive.writestr(info, _notebook_bytes(course, answers))
    collect(course, ASSIGNMENT, path)


def _due_date(course):
    with Gradebook(gradebook_url(course)) as gb:
        return gb.find_assignment(ASSIGNMENT).duedate  # nbgrader keeps it in UTC, naive


@pytest.mark.parametrize(
    "given",
    ["2026-04-10T17:00", "2026-04-10 17:00", "2026-04-10T17:00+09:00", "2026-04-10T08:00Z"],
)
def test_due_stores_the_due_date_in_nbgraders_gradebook(template, tmp_path, capsys, given):
    """`denchi grade due` sets nbgrader's Assignment.duedate; a time without a zone is Japan
    time (Asia/Tokyo, UTC+9), whatever the grading machine's zone."""
    course = copy_course(template, tmp_path / "course")
    assert main(["grade", "due", ASSIGNMENT, given, "--course", str(course)]) == 0
    assert _due_date(course) == datetime(2026, 4, 10, 8, 0)  # 17:00 in Japan
    said = capsys.readouterr().out
    assert "2026-04-10 17:00" in said and "日本時間" in said
    assert main(["grade", "due", ASSIGNMENT, "--course", str(course)]) == 0  # show it
    assert "2026-04-10 17:00" in capsys.readouterr().out
    assert main(["grade", "due", ASSIGNMENT, "--clear", "--course", str(course)]) == 0
    assert _due_date(course) is None


@pytest.mark.parametrize("given", ["2026-04-10", "next friday", "2026-13-01T10:00", "17:00"])
def test_a_bad_due_date_gets_a_bilingual_error_and_changes_nothing(
    template, tmp_path, capsys, given
):
    course = copy_course(template, tmp_path / "course")
    assert main(["grade", "due", ASSIGNMENT, given, "--course", str(course)]) == 2
    err = capsys.readouterr().err
    assert given in err and "2026-04-10T17:00" in err  # what was wrong, and an example
    japanese, english = err.index("締め切り"), err.index("due date")
    assert japanese < english and "Traceback" not in err
    assert _due_date(course) is None


def test_due_help_says_a_time_without_a_zone_is_japan_time(capsys):
    with pytest.raises(SystemExit):
        main(["grade", "due", "--help"])
    assert "Asia/Tokyo" in capsys.readouterr().out


def test_status_uses_the_due_date_set_after_grading(template, tmp_path, capsys):
    """The due date may come after autograding: status measures lateness against it."""
    course = copy_course(template, tmp_path / "course")
    due = datetime(2026, 4, 10, 17, 0, tzinfo=JST)
    handed_in = {"20240001": due - timedelta(hours=1), "20240002": due + timedelta(hours=2.5)}
    _collect_handed_in(course, tmp_path, handed_in)
    args = ["--course", str(course)]
    assert main(["grade", "autograde", ASSIGNMENT, *FAST, *args]) == 0
    assert main(["grade", "due", ASSIGNMENT, "2026-04-10T17:00", *args]) == 0
    capsys.readouterr()
    assert main(["grade", "status", ASSIGNMENT, *args]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line}
    assert "遅れ" not in lines["20240001"]
    assert "提出遅れ 2 時間 30 分 (late by 2 h 30 min)" in lines["20240002"]


def _penalise_late_work(course):
    """The course's nbgrader_config.py with nbgrader's other built-in rule: late work scores 0."""
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')


def _nbgraders_own_export(course, tmp_path) -> dict[str, dict[str, str]]:
    from denchi.grading.course import nbgrader

    out = tmp_path / "nbgrader-export.csv"
    nbgrader(course, "export", f"--to={out}")
    return {row["student_id"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}


def test_exports_carry_the_late_penalty_nbgrader_computes(template, tmp_path, capsys):
    """Moodle's CSV, manaba's CSV and manaba's Excel sheet carry the score after the penalty,
    the very number nbgrader's own export gives, and say how late and how many points."""
    import openpyxl

    course = copy_course(template, tmp_path / "course")
    _penalise_late_work(course)
    submissions = _moodle_zip_both_right(course, tmp_path / "moodle.zip")
    roster = tmp_path / "worksheet.csv"  # handed in 1 h before and 26 h after 17:00 on 10 April
    roster.write_text(
        OFFLINE_WORKSHEET.replace("04月 10日(金曜日) 16:30", "04月 11日(土曜日) 19:00"),
        encoding="utf-8-sig",
    )
    collect(course, ASSIGNMENT, submissions, roster=roster)
    args = ["--course", str(course)]
    assert main(["grade", "due", ASSIGNMENT, "2026-04-10T17:00", *args]) == 0
    assert main(["grade", "autograde", ASSIGNMENT, *FAST, *args]) == 0  # nbgrader's penalty
    late = "提出遅れ 26 時間 (late by 26 h): −3 点"
    nbgrader_says = _nbgraders_own_export(course, tmp_path)
    assert float(nbgrader_says["hanako@example.ac.jp"]["late_submission_penalty"]) == 3.0
    assert float(nbgrader_says["hanako@example.ac.jp"]["score"]) == 0.0
    assert float(nbgrader_says["taro@example.ac.jp"]["score"]) == 3.0

    moodle = tmp_path / "moodle.csv"
    export = ["grade", "export", ASSIGNMENT, "--output"]
    assert main([*export, str(moodle), "--format", "moodle", *args]) == 0
    rows = {row[0]: row for row in _csv(moodle)[1:]}
    assert rows["Taro@example.ac.jp"] == [
        "Taro@example.ac.jp",
        "3",
        "自動採点 3/3 点（問1 2/2、問2 1/1）",
    ]
    assert rows["hanako@example.ac.jp"][1] == "0"
    assert late in rows["hanako@example.ac.jp"][2]

    manaba = tmp_path / "manaba.csv"
    assert main([*export, str(manaba), "--format", "manaba", *args]) == 0
    table = _csv(manaba)
    assert table[0] == ["学籍番号", "ユーザID", "氏名", "合計点", "提出遅れ"]
    assert [(r[0], r[3], r[4]) for r in table[1:]] == [
        ("hanako@example.ac.jp", "0", late),
        ("taro@example.ac.jp", "3", ""),
    ]

    sheet = _manaba_sheet(tmp_path / "sheet.xlsx", ["taro@example.ac.jp", "hanako@example.ac.jp"])
    filled = tmp_path / "filled.xlsx"
    assert main([*export, str(filled), "--format", "manaba", "--sheet", str(sheet), *args]) == 0
    ws = openpyxl.load_workbook(filled).active
    assert [(ws[f"A{r}"].value, ws[f"D{r}"].value) for r in (4, 5)] == [
        ("taro@example.ac.jp", 3),
        ("hanako@example.ac.jp", 0),
    ]
    assert ws["D4"].comment is None and late in ws["D5"].comment.text

    capsys.readouterr()
    assert main(["grade", "status", ASSIGNMENT, *args]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line}
    assert late in lines["hanako@example.ac.jp"] and "0.00 / 3" in lines["hanako@example.ac.jp"]


def test_a_due_date_changed_after_grading_reaches_every_export(template, tmp_path):
    """The due date set with plain nbgrader after autograding: plain nbgrader's feedback, the
    exports (and nbgrader's own export after them) apply nbgrader's penalty to it, with no
    regrading."""
    from denchi.grading.course import nbgrader
    from denchi.grading.export import manaba_csv, nbgrader_csv

    course = copy_course(template, tmp_path / "course")
    _penalise_late_work(course)
    due = datetime(2026, 4, 10, 17, 0, tzinfo=JST)
    handed_in = {"20240001": due - timedelta(hours=1), "20240002": due + timedelta(minutes=90)}
    _collect_handed_in(course, tmp_path, handed_in)
    assert main(["grade", "autograde", ASSIGNMENT, *FAST, "--course", str(course)]) == 0
    assert _csv(manaba_csv(course, ASSIGNMENT, tmp_path / "before.csv"))[2][3] == "3"
    nbgrader(course, "db", "assignment", "add", ASSIGNMENT, "--duedate=2026-04-10 08:00:00 UTC")
    late = "提出遅れ 1 時間 30 分 (late by 1 h 30 min): −3 点"
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")  # before any denchi command
    page = html_text(course / "feedback" / "20240002" / ASSIGNMENT / "tiny.html")
    assert late in page and "合計 / Total: 0 / 3 点" in page
    table = _csv(manaba_csv(course, ASSIGNMENT, tmp_path / "after.csv"))
    assert [(r[0], r[3], r[4]) for r in table[1:]] == [
        ("20240001", "3", ""),
        ("20240002", "0", late),
    ]
    written = nbgrader_csv(course, [ASSIGNMENT], tmp_path / "n.csv")
    ours = list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
    theirs = _nbgraders_own_export(course, tmp_path)
    for row in ours:
        mine = (float(row["late_submission_penalty"]), float(row["score"]))
        assert mine == (
            float(theirs[row["student_id"]]["late_submission_penalty"]),
            float(theirs[row["student_id"]]["score"]),
        )
    assert {r["student_id"]: float(r["score"]) for r in ours} == {"20240001": 3.0, "20240002": 0.0}


def test_a_course_given_as_a_relative_folder_works_for_every_nbgrader_step(
    template, tmp_path, monkeypatch
):
    """`--course t01-class`, as the teacher-training kit and `sample-class` print it: nbgrader
    runs in the course folder, so a relative root was read against it twice
    (t01-class/t01-class) and generate and feedback failed with a traceback."""
    copy_course(template, tmp_path / "course")
    monkeypatch.chdir(tmp_path)
    args = ["--course", "course"]
    assert main(["grade", "generate", ASSIGNMENT, *args]) == 0
    assert list((tmp_path / "course" / "release" / ASSIGNMENT).glob("*.ipynb"))
    notebook = _notebook_bytes(tmp_path / "course", RIGHT)
    _zip(tmp_path / "in.zip", {"s01/tiny.ipynb": notebook})
    assert main(["grade", "collect", ASSIGNMENT, "in.zip", *args]) == 0
    assert main(["grade", "autograde", ASSIGNMENT, *args, *FAST, "--no-feedback"]) == 0
    assert main(["grade", "feedback", ASSIGNMENT, *args]) == 0
    assert list((tmp_path / "course" / "feedback" / "s01" / ASSIGNMENT).glob("*.html"))
