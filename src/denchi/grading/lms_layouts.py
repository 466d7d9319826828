"""How LMSs name submitted files: who handed in which notebook, in a zip or an unzipped folder.

**Moodle** ("View all submissions" → "Download all submissions", Moodle 3.1 and later). Each
student's files are in a folder ``<Full name>_<participant id>_assignsubmission_file`` (older
versions end it with ``_``); with "Download submissions in folders" unticked, files are flat:
``<Full name>_<participant id>_assignsubmission_file_<file name>``. Moodle replaces ``_`` in
names with spaces, so the first ``_<digits>_assignsubmission_`` ends the name. The participant
id is Moodle's per-assignment identifier (the "Participant N" / 「参加者 N」 of the grading
worksheet, also used under blind marking). With the assignment's grading worksheet (Grading
action → "Download grading worksheet", CSV) as ``roster``, students are identified by their
ID number (the user field where schools keep the 学籍番号, which is also the seed of a student's
seeded lab data), or, where the worksheet shows none, by their e-mail address in lower case;
without a roster, as ``moodle-<participant id>``. The e-mail address (as Moodle wrote it: its
grade import matches it exactly), ID number and username the worksheet shows are kept for the
grade export. Team submissions
(``<group name>_<group id>_...``) are not supported.

*When each student handed in* is not in Moodle's zip: ``mod_assign\\downloader::
download_zip()`` (mod/assign/classes/downloader.php) adds every file with
``zip_writer::add_file_from_stored_file()`` and no ``time`` option, so ZipStream gives each
entry the current time (``lastModificationDateTime ?? new DateTimeImmutable()``): every entry
carries the moment of the download. The grading worksheet has it: its "Last modified
(submission)" / 「最終更新日時 (提出)」 column is ``userdate()`` of the submission's
``timemodified`` (``assign_grading_table::col_timesubmitted()``, mod/assign/gradingtable.php),
written in the teacher's interface language and time zone without naming the zone;
:func:`moodle_time` reads it in the course's time zone.

**manaba** (report → 「採点シートと提出物」 with 「提出物を1つのフォルダにまとめる」): per the
manaba FAQ, files are named ``<学籍番号>@<ユーザID>@<file name>`` or
``<ユーザID>@<学籍番号>@<file name>`` depending on the site's settings (``manaba_order``).
Students are identified by 学籍番号. The layout of the per-student-folder download is not
documented publicly; unzip it and collect the folders as a generic layout instead. The file
times are taken as the hand-in times (read in the course's time zone); what manaba writes
there is not documented publicly either.

**Generic**: ``<student id>/<notebook>.ipynb`` or ``<student id>.ipynb`` (optionally inside one
top folder), e.g. nbgrader's own exchange or a folder a teacher zipped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path, PurePosixPath

from denchi.grading.errors import GradingError
from denchi.i18n import bilingual

MOODLE = re.compile(
    r"^(?P<name>.*?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<rest>.*))?$"
)
MANABA = re.compile(r"^(?P<first>[^@/]+)@(?P<second>[^@/]+)@(?P<file>[^/]+)$")
_DIGITS = re.compile(r"\d+")
SKIPPED = ("__MACOSX", ".DS_Store", ".ipynb_checkpoints")


@dataclass
class Submitter:
    """One student's files in the zip, and what the LMS says about them."""

    student: str
    files: dict[str, str] = field(default_factory=dict)  # file name -> zip member
    email: str = ""
    name: str = ""
    lms_user_id: str = ""
    lms: dict[str, str] = field(default_factory=dict)  # kept as submitted/.../lms.json
    submitted: str = ""  # when it was handed in, as the LMS's worksheet wrote it (Moodle)


def _match(pattern: re.Pattern[str], text: str, what: str) -> re.Match[str]:
    """``pattern`` found in ``text``, or a bilingual error saying that ``what`` is not as the
    LMS names it (a layout given by hand that does not fit the files, an edited worksheet)."""
    found = pattern.search(text)
    if found is None:
        raise GradingError(
            f"{what}「{text}」が LMS の形式に合いません。ダウンロードしたままのファイルか、"
            "LMS の形式の指定が正しいか確かめてください。",
            f"{what} '{text}' does not fit the LMS's naming: check that the files are as "
            "downloaded and that the LMS format given is right.",
        )
    return found


def usable(names: list[str]) -> list[PurePosixPath]:
    """The files worth looking at (no folders, no macOS or Jupyter leftovers), checked safe.

    Args:
        names: Relative names of the zip's members or the folder's files (``/``-separated).

    Raises:
        GradingError: if a name is absolute or contains ``..`` (an unsafe zip).
    """
    paths = [
        PurePosixPath(name)
        for name in names
        if not name.endswith("/") and not any(part in SKIPPED for part in name.split("/"))
    ]
    for path in paths:
        if path.is_absolute() or ".." in path.parts:
            raise GradingError(
                f"危険なパス {path} があります。LMS からダウンロードした zip か確かめてください。",
                f"Unsafe path {path}: is this the zip the LMS gave you?",
            )
    return paths


def detect(paths: list[PurePosixPath]) -> str:
    """``moodle``, ``manaba`` or ``generic``, from how the files are named.

    Args:
        paths: The files' relative paths (from :func:`usable`).
    """
    if paths and all(MOODLE.match(p.parts[0]) for p in paths):
        return "moodle"
    if paths and all(len(p.parts) == 1 and MANABA.match(p.name) for p in paths):
        return "manaba"
    return "generic"


def read_moodle_roster(path: Path) -> dict[str, dict[str, str]]:
    """Participant id -> e-mail, name, ID number, from Moodle's grading worksheet (CSV).

    Columns are found by content, so any interface language works: the identifier column holds
    "Participant N" (「参加者 N」), the e-mail column addresses with ``@``.

    Args:
        path: The worksheet downloaded from Moodle (UTF-8 CSV, a BOM allowed).

    Raises:
        GradingError: if the file is empty, lacks the participant or e-mail column, or an
            identifier holds no participant number.
        OSError: if the file cannot be opened.
        UnicodeDecodeError: if it is not UTF-8.
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise GradingError(f"{path.name} が空です。", f"{path.name} is empty.")
    columns = list(rows[0])

    def column(test: Callable[[str], bool]) -> str | None:
        return next((c for c in columns if all(test(r.get(c) or "") for r in rows)), None)

    def header(pattern: str) -> str | None:
        return next((c for c in columns if re.search(pattern, c, re.I)), None)

    ident = header(r"identifier|識別子")
    ident = ident or column(lambda v: re.fullmatch(r"\D*?\s*\d+", v.strip()) is not None)
    email = column(lambda v: "@" in v)
    name = header(r"full ?name|フルネーム|氏名")
    number = header(r"id ?number|ID ナンバー|学籍番号")
    username = header(r"^user ?name$|^ユーザ名$|^ユーザー名$")
    submitted = header(r"last modified \(submission\)|最終更新日時\s*\(提出\)")
    if ident is None or email is None:
        raise GradingError(
            f"{path.name} に「参加者 N」の列とメールアドレスの列が見つかりません。"
            "Moodle の課題の「評定ワークシートをダウンロードする」で得た CSV を指定してください。",
            f"{path.name} has no 'Participant N' column and e-mail column: use the CSV from the "
            "assignment's 'Download grading worksheet'.",
        )
    return {
        _match(_DIGITS, row[ident], path.name).group(0): {
            "email": row[email].strip(),
            "name": (row.get(name) or "").strip() if name else "",
            "idnumber": (row.get(number) or "").strip() if number else "",
            "username": (row.get(username) or "").strip() if username else "",
            "submitted": (row.get(submitted) or "").strip() if submitted else "",
        }
        for row in rows
    }


_MOODLE_JA_TIME = re.compile(r"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日.*?(\d{1,2}):(\d{2})")
_MOODLE_EN_TIME = re.compile(
    r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4}),?\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?"
)
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def moodle_time(text: str, zone: tzinfo) -> datetime | None:
    """A time as Moodle's grading worksheet writes it (``userdate()`` with the language pack's
    ``strftimedaydatetime``: 「2026年 04月 10日(金曜日) 16:00」 in Japanese, "Friday, 10 April
    2026, 4:00 PM" in English), read in ``zone``; None for Moodle's "-" (none) or text in
    neither form.

    Args:
        text: The worksheet cell.
        zone: The time zone to read it in (the course's).
    """
    if found := _MOODLE_JA_TIME.search(text):
        year, month, day, hour, minute = (int(v) for v in found.groups())
    elif (found := _MOODLE_EN_TIME.search(text)) and found[2].lower() in _MONTHS:
        day, year, minute = int(found[1]), int(found[3]), int(found[5])
        month = _MONTHS.index(found[2].lower()) + 1
        hour = int(found[4])
        if found[6]:  # a 12-hour clock
            hour = hour % 12 + (12 if found[6].lower() == "pm" else 0)
    else:
        return None
    try:
        return datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:  # a day or an hour out of range
        return None


def _moodle(
    paths: list[PurePosixPath], roster: dict[str, dict[str, str]] | None
) -> list[Submitter]:
    people: dict[str, Submitter] = {}
    for path in paths:
        match = _match(MOODLE, path.parts[0], str(path))
        participant, name = match["participant"], match["name"].strip()
        file_name = path.name if len(path.parts) > 1 else (match["rest"] or path.name)
        known = (roster or {}).get(participant, {})
        student = known.get("idnumber") or known.get("email", "").lower() or f"moodle-{participant}"
        identity = {k: known[k] for k in ("email", "idnumber", "username") if known.get(k)}
        who = people.setdefault(
            participant,
            Submitter(
                student,
                email=known.get("email", ""),
                name=known.get("name") or name,
                lms={"lms": "moodle", "participant": participant, "full_name": name, **identity},
                submitted=known.get("submitted", ""),
            ),
        )
        who.files.setdefault(file_name, str(path))
    return list(people.values())


def _manaba(paths: list[PurePosixPath], order: str) -> list[Submitter]:
    people: dict[str, Submitter] = {}
    for path in paths:
        match = _match(MANABA, path.name, str(path))
        number, user = (match["first"], match["second"])
        if order == "id-first":
            number, user = user, number
        who = people.setdefault(
            number,
            Submitter(
                number,
                lms_user_id=user,
                lms={"lms": "manaba", "student_number": number, "user_id": user},
            ),
        )
        who.files.setdefault(match["file"], str(path))
    return list(people.values())


def _generic(paths: list[PurePosixPath]) -> list[Submitter]:
    tops = {p.parts[0] for p in paths}
    if len(tops) == 1 and all(len(p.parts) > 2 for p in paths):  # one folder around it all
        paths = [PurePosixPath(*p.parts[1:]) for p in paths]
        prefix = next(iter(tops)) + "/"
    else:
        prefix = ""
    people: dict[str, Submitter] = {}
    for path in paths:
        student = path.parts[0] if len(path.parts) > 1 else path.stem
        who = people.setdefault(student, Submitter(student, lms={"lms": "generic"}))
        who.files.setdefault(path.name, prefix + str(path))
    return list(people.values())


def seed_warnings(layout: str, people: list[Submitter]) -> list[str]:
    """Students whose id (the seed of their seeded lab data) is not their 学籍番号.

    Args:
        layout: The layout found (``moodle``, ``manaba`` or ``generic``).
        people: The students found.

    Returns:
        Bilingual warnings for the teacher (empty if none).
    """
    if layout != "moodle":
        return []
    others = ", ".join(sorted(p.student for p in people if not p.lms.get("idnumber")))
    if not others:
        return []
    return [
        bilingual(
            "学籍番号（Moodle の ID ナンバー）が評定ワークシートにない学生は、学生 ID と seed が"
            f"メールアドレスになります（実験データが学籍番号のものと変わります）: {others}。"
            "ワークシートに ID ナンバーを表示させて（管理者の「利用者識別情報の表示」）"
            "ダウンロードし直すと、学籍番号になります。",
            "Without an ID number (学籍番号) in the grading worksheet, these students' id and "
            f"data seed are their e-mail addresses, not their student numbers: {others}. "
            "Show ID numbers in the worksheet (site setting 'Show user identity') and download "
            "it again.",
        )
    ]


def read(
    paths: list[PurePosixPath],
    *,
    lms: str = "auto",
    roster: Path | None = None,
    manaba_order: str = "number-first",
) -> tuple[str, list[Submitter]]:
    """The LMS layout found (or given) and the students, from the files' relative paths.

    Args:
        paths: The files' relative paths (from :func:`usable`).
        lms: ``"auto"`` (detect), ``"moodle"``, ``"manaba"`` or ``"generic"``.
        roster: Moodle's grading worksheet (CSV) for e-mail addresses, ID numbers and
            hand-in times; ``None`` for none.
        manaba_order: ``"number-first"`` (学籍番号@ユーザID) or ``"id-first"``.

    Raises:
        GradingError: if ``lms`` is unknown, a file name does not fit the layout, or the
            roster cannot be read.
        OSError: if the roster cannot be opened.
    """
    kind = detect(paths) if lms == "auto" else lms
    if kind == "moodle":
        people = _moodle(paths, read_moodle_roster(roster) if roster else None)
    elif kind == "manaba":
        people = _manaba(paths, manaba_order)
    elif kind == "generic":
        people = _generic(paths)
    else:
        raise GradingError(
            f"LMS の形式「{lms}」は分かりません（auto, moodle, manaba, generic のどれか）。",
            f"Unknown LMS format '{lms}' (use auto, moodle, manaba or generic).",
        )
    return kind, people


def feedback_name(student: str, notebook_html: str, lms: dict[str, str]) -> str:
    """Where a student's feedback page goes in the zip a teacher uploads back to the LMS.

    Moodle's "Upload multiple feedback files in a zip" matches files by the same prefix as
    its download (``<Full name>_<participant id>_assignsubmission_file_``); other LMSs get a
    folder per student.

    Args:
        student: The student id.
        notebook_html: The feedback page's file name.
        lms: The student's LMS record (``lms.json`` written by ``collect``).
    """
    if lms.get("lms") == "moodle" and lms.get("participant"):
        name = lms.get("full_name", student).replace("_", " ")
        return f"{name}_{lms['participant']}_assignsubmission_file_{notebook_html}"
    return f"{student}/{notebook_html}"
