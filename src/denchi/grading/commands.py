"""``denchi grade``: hand out, collect, autograde, return and export an nbgrader assignment.

    denchi grade generate  h04_lithium_ion                     # student version in release/
    denchi grade generate  --all                               # every assignment at once
    denchi grade collect   h04_lithium_ion submissions.zip     # Moodle, manaba or a folder
    denchi grade autograde h04_lithium_ion --workers 2         # parallel, sandboxed
    denchi grade feedback  h04_lithium_ion --zip return.zip    # HTML feedback, zipped to return
    denchi grade export    h04_lithium_ion --format moodle     # CSV for the LMS's grade import
    denchi grade moodle-quiz h01_society -o h01.xml            # an intro assignment as a quiz
    denchi grade status    h04_lithium_ion                     # scores and what to review
    denchi grade due       h04_lithium_ion 2026-04-10T17:00    # due date (Japan time)
    denchi grade contest   u04_cell_design --format csv        # ranked table of the designs
    denchi grade sample-class --course sample-class           # ten fictional students (t01)

The course is ``assessments/`` of the courseware unless ``--course`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
import zipfile
from datetime import timezone
from pathlib import Path
from typing import get_args

from denchi.grading.labels import STATUS_WORDS, status_label, term
from denchi.i18n import bilingual

HELP = bilingual(
    "課題の配布・回収・自動採点・返却・成績の書き出し（nbgrader）",
    "Hand out, collect, autograde, return and export assignments (nbgrader)",
)


def _course(args) -> Path:
    from denchi.grading.course import course_dir

    return args.course or course_dir()


def _say(ja: str, en: str) -> None:
    print(bilingual(ja, en))


def _generate(args) -> int:
    from denchi.grading.collect import assignment_notebooks
    from denchi.grading.course import generate, generate_all

    course = _course(args)
    if args.all == bool(args.assignment):
        _say(
            "課題の名前（h04_lithium_ion など）か --all のどちらか一方を指定してください。",
            "Give either an assignment id (such as h04_lithium_ion) or --all, not both.",
        )
        return 2
    if args.all:
        releases = generate_all(course)
        _say(
            f"生徒に配るノートブック（{len(releases)} 課題）: {course / 'release'}",
            f"Student versions ({len(releases)} assignments): {course / 'release'}",
        )
        return 0
    assignment_notebooks(course, args.assignment)  # a clear error for an unknown assignment
    release = generate(course, args.assignment)
    _say(f"生徒に配るノートブック: {release}", f"Student version: {release}")
    return 0


def _collect(args) -> int:
    from denchi.grading.collect import collect, place

    course = _course(args)
    if args.source.suffix == ".ipynb":
        if not args.student:
            raise _usage(
                "1 つのノートブックを取りこむには --student を指定してください。",
                "Give --student to collect a single notebook.",
            )
        folder = place(course, args.assignment, args.student, args.source)
        _say(f"{args.student} の提出を {folder} に置きました。", f"Placed in {folder}.")
        return 0
    done = collect(
        course,
        args.assignment,
        args.source,
        lms=args.lms,
        roster=args.roster,
        manaba_order=args.manaba_order,
    )
    _say(
        f"{done.layout} 形式として {len(done.students)} 人の提出を取りこみました。",
        f"Collected {len(done.students)} submissions ({done.layout} layout).",
    )
    _say(
        "提出時刻のうち時間帯の書かれていないもの（zip の時刻、評定ワークシート）は、"
        f"{done.zone} の時刻として読みました（講座の設定 c.DenchiCourse.timezone）。",
        f"Hand-in times given without a zone (zip entries, the grading worksheet) were read as "
        f"{done.zone} time (course setting c.DenchiCourse.timezone).",
    )
    if done.archived:
        _say(
            f"前の提出を submitted_archive/ に移しました: {', '.join(done.archived)}",
            "Earlier submissions were moved to submitted_archive/.",
        )
    for line in done.skipped:
        print(f"  {bilingual('取りこまなかったもの', 'left out')}: {line}".replace("\n", " / "))
    for line in done.warnings:
        print(f"  {bilingual('注意', 'note')}: {line}".replace("\n", " / "))
    return 0


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes (a Japanese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns."""
    return text + " " * max(width - _columns(text), 0)


STUDENT_WIDTH, SCORE_WIDTH = 24, 13
STATUS_WIDTH = max(_columns(status_label(s)) for s in STATUS_WORDS)


def _row(student: str, score: str, status: str, rest: str = "") -> str:
    """One line of the result table: student, score, status, then anything else."""
    cells = _pad(student, STUDENT_WIDTH), _pad(score, SCORE_WIDTH), _pad(status, STATUS_WIDTH)
    return (" ".join(cells) + rest).rstrip()


def _header(indent: str = "") -> str:
    return indent + _row(term("student"), term("score"), term("status"))


def _score(result) -> str:
    return f"{result.score:.2f} / {result.max_score:g}"


def _progress(total: int):
    count = 0
    indent = " " * len(f"[{total:>3}/{total}] ")
    print(_header(indent), flush=True)

    def show(result) -> None:
        nonlocal count
        count += 1
        seconds = f" {term('time')} {result.seconds:.1f} s" if result.seconds is not None else ""
        counter = _pad(f"[{count:>3}/{total}]", len(indent) - 1)
        line = _row(result.student, _score(result), status_label(result.status), seconds)
        print(f"{counter} {line}", flush=True)
        for flag in result.flags:
            if flag.needs_review:
                print(f"{indent}! {flag.message_ja}", flush=True)

    return show


def _autograde(args) -> int:
    from denchi.grading.collect import submitted_students
    from denchi.grading.pipeline import grade
    from denchi.grading.sandbox import protection

    course = _course(args)
    students = args.student or submitted_students(course, args.assignment)
    if not students:
        raise _usage(
            f"課題「{args.assignment}」の提出がありません。先に collect してください。",
            f"No submissions of '{args.assignment}' yet: run collect first.",
        )
    ja, en = protection()
    _say(f"採点中の隔離: {ja}", f"Sandbox while grading: {en}")
    results = grade(
        course,
        args.assignment,
        students=students,
        workers=args.workers,
        time_limit_s=args.time_limit,
        memory_mb=args.memory_mb,
        force=args.force,
        feedback=not args.no_feedback,
        on_result=_progress(len(students)),
        allow_unsandboxed=args.allow_unsandboxed,
    )
    _summary(results.values())
    return 0


def _summary(results) -> None:
    from denchi.grading.pipeline import Status

    results = list(results)
    counts = [
        f"{status_label(s)} {sum(r.status == s for r in results)} 件" for s in get_args(Status)
    ]
    print(f"合計: {'、'.join(counts)}（省略したものを採点し直すには --force）")
    review = [r.student for r in results if r.needs_review]
    if review:
        print(
            f"{term('needs_review')}: {', '.join(review)}"
            f"（nbgrader の formgrader で「{term('manual')}」になっています）"
        )


def _feedback(args) -> int:
    from denchi.grading.course import nbgrader
    from denchi.grading.lms_layouts import feedback_name
    from denchi.grading.pipeline import FEEDBACK, results

    course = _course(args)
    chosen = args.student or sorted(results(course, args.assignment))
    if not chosen:
        raise _usage(
            f"課題「{args.assignment}」はまだ採点されていません。先に autograde してください。",
            f"Nothing of '{args.assignment}' has been graded yet: run autograde first.",
        )
    # again, e.g. after manual grading in the formgrader; one nbgrader run when it is everyone
    for student in args.student or ["*"]:
        nbgrader(course, "generate_feedback", args.assignment, f"--student={student}", "--force")
    _say(
        f"フィードバック: {course / FEEDBACK}/<学生>/{args.assignment}/",
        f"Feedback: {course / FEEDBACK}/<student>/{args.assignment}/",
    )
    if args.zip:
        with zipfile.ZipFile(args.zip, "w", zipfile.ZIP_DEFLATED) as bundle:
            for student in chosen:
                lms_file = course / "submitted" / student / args.assignment / "lms.json"
                lms = json.loads(lms_file.read_text()) if lms_file.is_file() else {}
                for page in sorted((course / FEEDBACK / student / args.assignment).glob("*.html")):
                    bundle.write(page, feedback_name(student, page.name, lms))
        _say(f"返却用の zip: {args.zip}", f"Zip to return: {args.zip}")
    return 0


def _export(args) -> int:
    from denchi.grading.export import (
        manaba_csv,
        manaba_sheet,
        moodle_csv,
        moodle_worksheet,
        nbgrader_csv,
    )

    course = _course(args)
    suffix = args.sheet.suffix if args.sheet else ".csv"
    name = f"{args.format}-{'-'.join(args.assignment)}{suffix}"
    output = args.output or course / "exports" / name
    if args.sheet and args.format == "nbgrader":
        raise _usage(
            "--sheet は --format moodle（評定ワークシート）か manaba（成績登録シート）で使います。",
            "--sheet goes with --format moodle (grading worksheet) or manaba (grade sheet).",
        )
    if args.format != "nbgrader" and len(args.assignment) != 1:
        raise _usage(
            "Moodle・manaba 用は課題 1 つずつ書き出します。",
            "Moodle, manaba: one assignment per file.",
        )
    if args.format == "moodle" and args.sheet:
        path = moodle_worksheet(course, args.assignment[0], args.sheet, output)
    elif args.format == "moodle":
        path = moodle_csv(course, args.assignment[0], output, identifier=args.identifier)
    elif args.format == "manaba" and args.sheet:
        path = manaba_sheet(course, args.assignment[0], args.sheet, output)
    elif args.format == "manaba":
        path = manaba_csv(course, args.assignment[0], output)
    else:
        path = nbgrader_csv(course, args.assignment, output)
    _say(f"書き出しました: {path}", f"Written: {path}")
    return 0


def _moodle_quiz(args) -> int:
    from denchi.grading.moodle_quiz import write_moodle_quiz

    course = _course(args)
    output = args.output or course / "exports" / f"moodle-quiz-{args.assignment}.xml"
    done = write_moodle_quiz(args.assignment, output, course)
    for notice in done.skipped:
        print(
            bilingual(
                f"注意: {notice.label} は書き出していません。{notice.message_ja}",
                f"Warning: {notice.label} is left out. {notice.message_en}",
            ),
            file=sys.stderr,
        )
    for notice in done.notes:
        print(
            bilingual(
                f"{notice.label}: {notice.message_ja}", f"{notice.label}: {notice.message_en}"
            ),
            file=sys.stderr,
        )
    _say(
        f"書き出しました: {done.path}（{done.questions} 問、合計 {done.points:g} 点）。Moodle の"
        "問題バンクで「インポート」→「Moodle XML 形式」を選んで読みこみます。",
        f"Written: {done.path} ({done.questions} questions, {done.points:g} points). Import it "
        'in Moodle\'s question bank: Import, format "Moodle XML".',
    )
    return 0


def _status(args) -> int:
    from denchi.grading.pipeline import results

    graded = results(_course(args), args.assignment)  # late penalties brought up to date
    print(_header())
    for result in graded.values():
        late = result.lateness.note()
        print(_row(result.student, _score(result), status_label(result.status), f"  {late}"))
        for flag in result.flags:
            print(f"    - {flag.message_ja}")
    _summary(graded.values())
    return 0


def _due(args) -> int:
    from denchi.grading import duedates, late
    from denchi.grading.collect import assignment_notebooks

    course = _course(args)
    assignment_notebooks(course, args.assignment)  # a clear error for an unknown assignment
    if args.when is not None and args.clear:
        raise _usage(
            "締め切りの日時と --clear は、どちらか一方だけを指定してください。",
            "Give either a due date or --clear, not both.",
        )
    if args.when is None and not args.clear:
        due = duedates.due_date(course, args.assignment)
        if due is None:
            _say(
                f"課題「{args.assignment}」の締め切りは設定されていません。",
                f"'{args.assignment}' has no due date.",
            )
        else:
            _say(
                f"課題「{args.assignment}」の締め切り: {late.in_japan(due)}",
                f"Due date of '{args.assignment}': {due:%Y-%m-%d %H:%M} UTC",
            )
        _say(*duedates.penalty_rule(course))
        return 0
    due = None if args.clear else late.parse_due(args.when)
    late_students = duedates.set_due(course, args.assignment, due)
    if due is None:
        _say(
            f"課題「{args.assignment}」の締め切りを取り消しました（遅れはなくなります）。",
            f"The due date of '{args.assignment}' was removed (nothing is late now).",
        )
    else:
        utc = due.astimezone(timezone.utc)
        _say(
            f"課題「{args.assignment}」の締め切りを {late.in_japan(due)}にしました。",
            f"Due date of '{args.assignment}' set to {utc:%Y-%m-%d %H:%M} UTC.",
        )
        _say(*duedates.penalty_rule(course))
    from denchi.grading.pipeline import AUTOGRADED

    if any((course / AUTOGRADED).glob(f"*/{args.assignment}")):
        _say(
            f"採点済みの提出の遅れと減点を計算し直しました（遅れ {len(late_students)} 人"
            f"{': ' + ', '.join(late_students) if late_students else ''}）。"
            f"生徒に返すフィードバックにも反映するには、denchi grade feedback {args.assignment} "
            "を実行してください。",
            f"Lateness and penalties of graded work were updated ({len(late_students)} late). "
            f"Run `denchi grade feedback {args.assignment}` to update the feedback pages too.",
        )
    return 0


def _certificates(args) -> int:
    from datetime import date

    from denchi.grading.certificates import certificates_html

    try:
        issued = date.fromisoformat(args.date)
    except ValueError:
        raise _usage(
            f"--date「{args.date}」は日付として読めません。"
            "2026-07-10 のように年-月-日で書いてください。",
            f"--date {args.date!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-07-10.",
        ) from None
    if not args.table.is_file():
        raise _usage(
            f"{args.table} がありません。先に denchi grade contest --format csv --output "
            f"{args.table} を実行してください。",
            f"{args.table} does not exist; run `denchi grade contest --format csv --output "
            f"{args.table}` first.",
        )
    page = certificates_html(
        args.table.read_text(encoding="utf-8-sig"),
        event=args.event,
        issued=issued,
        issuer=args.issuer,
        ranked_only=args.ranked_only,
    )
    args.output.write_text(page, encoding="utf-8")
    _say(
        f"書き出しました: {args.output}（ブラウザで開き、A4 横で印刷します）",
        f"Written: {args.output} (open it in a browser and print on A4 landscape)",
    )
    return 0


def _contest(args) -> int:
    from denchi.grading.contest import contest_rows, to_csv, to_markdown

    rows = contest_rows(_course(args), args.assignment, workers=args.workers)
    table = to_csv(rows) if args.format == "csv" else to_markdown(rows)
    if args.output:
        args.output.write_text(table, encoding="utf-8")  # a CSV holds its BOM (to_csv)
        _say(f"書き出しました: {args.output}", f"Written: {args.output}")
    else:
        print(table, end="")
    return 0


SAMPLE_CLASS_FOLDER = Path("sample-class")


def _sample_class(args) -> int:
    from denchi.grading.late import in_japan
    from denchi.grading.sample_class import KINDS, make_sample_class

    made = make_sample_class(args.course or SAMPLE_CLASS_FOLDER, args.assignments)
    _say(
        f"見本のクラス（架空の生徒 {len(made.students)} 人）をつくりました: {made.course}",
        f"Sample class of {len(made.students)} fictional students written to {made.course}",
    )
    _say(
        f"課題: {', '.join(made.assignments)}。締め切り: {in_japan(made.due)}",
        f"Assignments: {', '.join(made.assignments)}; due {made.due:%Y-%m-%d %H:%M %Z}",
    )
    for student in made.students:
        ja, en = KINDS[student.kind]
        print(f"  {_pad(student.student, 10)}{_pad(student.name, 16)}{ja} / {en}")
    first = made.assignments[0]
    course = f"--course {made.course}"
    _say("次に実行するコマンドの例:", "Next, for example:")
    for line in (
        f"denchi grade autograde {first} {course}",
        f"denchi grade status {first} {course}",
        f"denchi grade export {first} --format moodle {course}",
        f"denchi grade export {first} --format manaba {course}",
    ):
        print(f"  {line}")
    return 0


def _usage(ja: str, en: str):
    from denchi.grading.errors import GradingError

    return GradingError(ja, en)


def _friendly(command):
    """Errors a teacher can fix are printed plainly (no traceback), exit status 2."""

    def run(args) -> int:
        from denchi.catalog import CatalogError
        from denchi.grading.errors import GradingError

        try:
            return command(args)
        except (GradingError, CatalogError) as error:
            print(error, file=sys.stderr)
            return 2

    return run


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``denchi grade`` subcommands (generate, due, collect, autograde, export, status,
    contest, sample-class) to ``parser``; each runs through a wrapper that prints a
    ``GradingError`` or ``CatalogError`` in Japanese and English and returns exit status 2.

    Args:
        parser: The ``denchi grade`` parser (changed in place).
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--course", type=Path, help="nbgrader course folder (default: assessments/)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func, ja: str, en: str, *, nargs: str | None = None):
        sub = commands.add_parser(name, parents=[common], help=bilingual(ja, en))
        sub.add_argument("assignment", nargs=nargs, help="assignment id (module id)")
        sub.set_defaults(func=_friendly(func))
        return sub

    sub = command(
        "generate", _generate, "生徒用のノートブックをつくる", "make the student version", nargs="?"
    )
    sub.add_argument(
        "--all",
        action="store_true",
        help="every assignment of the course, in one run of nbgrader (instead of an id)",
    )
    sub = command("due", _due, "締め切りを設定する・見る", "set or show the due date")
    sub.description = bilingual(
        "課題の締め切りを nbgrader の成績簿に記録します。時間帯のない日時は日本時間"
        "（Asia/Tokyo, UTC+9）です。遅れは status と成績のファイルに表示され、減点は"
        " nbgrader_config.py の設定に従います。日時を省くと、いまの締め切りを表示します。",
        "Record the assignment's due date in nbgrader's gradebook. A time without a zone is "
        "Japan time (Asia/Tokyo, UTC+9). Lateness shows in status and the grade files; the "
        "penalty follows nbgrader_config.py. Without a date, show the current due date.",
    )
    sub.add_argument(
        "when",
        nargs="?",
        help="due date and time, e.g. 2026-04-10T17:00 or '2026-04-10 17:00' (Japan time, "
        "Asia/Tokyo); add Z or +09:00 to give the zone yourself",
    )
    sub.add_argument("--clear", action="store_true", help="remove the due date")
    sub = command("collect", _collect, "提出物を取りこむ", "bring in submissions")
    sub.add_argument("source", type=Path, help="LMS zip, folder, or one .ipynb (with --student)")
    sub.add_argument("--lms", default="auto", choices=["auto", "moodle", "manaba", "generic"])
    sub.add_argument("--roster", type=Path, help="Moodle grading worksheet (CSV) for e-mails")
    sub.add_argument("--manaba-order", default="number-first", choices=["number-first", "id-first"])
    sub.add_argument("--student", help="student id, when source is one notebook")
    sub = command("autograde", _autograde, "並列に自動採点する", "autograde in parallel")
    sub.add_argument("--student", action="append", help="only this student (repeatable)")
    sub.add_argument("--workers", type=int, help="parallel workers (default: CPU count)")
    sub.add_argument("--time-limit", type=float, help="seconds per notebook (default: course)")
    sub.add_argument("--memory-mb", type=int, help="memory per notebook (default: course)")
    sub.add_argument("--force", action="store_true", help="regrade already graded submissions")
    sub.add_argument("--no-feedback", action="store_true", help="skip the feedback HTML")
    sub.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade even without Linux Landlock (trusted notebooks only)",
    )
    sub = command(
        "feedback", _feedback, "フィードバックをつくる・まとめる", "make and zip feedback"
    )
    sub.add_argument("--student", action="append", help="only this student (repeatable)")
    sub.add_argument("--zip", type=Path, help="also bundle the pages in a zip to return")
    sub = command("export", _export, "成績を書き出す", "export grades", nargs="+")
    sub.add_argument("--format", default="nbgrader", choices=["nbgrader", "moodle", "manaba"])
    sub.add_argument("--output", type=Path, help="CSV file (default: exports/ in the course)")
    sub.add_argument("--identifier", default="email", choices=["email", "idnumber", "username"])
    sub.add_argument(
        "--sheet",
        type=Path,
        help="the LMS's own sheet to fill in: Moodle's grading worksheet (.csv) or manaba's "
        "grade sheet (.xlsx)",
    )
    sub = command(
        "moodle-quiz",
        _moodle_quiz,
        "入門コースの課題を Moodle の小テスト（Moodle XML）にする",
        "write an intro assignment as a Moodle quiz (Moodle XML)",
    )
    sub.add_argument("-o", "--output", type=Path, help="XML file (default: exports/ in the course)")
    sub = commands.add_parser(
        "certificates",
        help=bilingual(
            "コンテストの賞状を A4 でつくる（印刷用 HTML）",
            "print A4 certificates for a contest (HTML)",
        ),
    )
    sub.add_argument("table", type=Path, help="the CSV of `denchi grade contest --format csv`")
    sub.add_argument("--event", required=True, help="the contest's name, e.g. セル設計コンテスト")
    sub.add_argument("--date", required=True, help="day printed on them, e.g. 2026-07-10")
    sub.add_argument("--issuer", required=True, help="who awards them (school, teacher)")
    sub.add_argument("--ranked-only", action="store_true", help="no certificate of participation")
    sub.add_argument("--output", type=Path, default=Path("certificates.html"), help="HTML file")
    sub.set_defaults(func=_friendly(_certificates))
    command("status", _status, "採点結果を見る", "show the results")
    sub = command("contest", _contest, "設計コンテストの順位表をつくる", "rank the class's designs")
    sub.add_argument("--format", default="markdown", choices=["markdown", "csv"])
    sub.add_argument("--output", type=Path, help="write the table to this file")
    sub.add_argument("--workers", type=int, default=2, help="processes that simulate designs")
    sub = commands.add_parser(
        "sample-class",
        help=bilingual(
            "教員研修用に、架空の生徒 10 人が提出した見本のクラスをつくる",
            "make a sample class of ten fictional students' submissions (teacher training)",
        ),
    )
    sub.description = bilingual(
        "架空の生徒 10 人（正解、一部正解、白紙、遅れ、ふつうでないノートブック）が課題を提出した "
        "nbgrader のコースを、新しいフォルダにつくります。採点はしていないので、そのまま "
        "denchi grade autograde などを --course を付けて実行します。すでにファイルのある"
        "フォルダには書きこみません。",
        "Write an nbgrader course in which ten fictional students (right, partly right, blank, "
        "late and odd notebooks) have handed in the assignments, into a new folder. Nothing is "
        "graded yet: run denchi grade autograde and the rest on it with --course. A folder "
        "that holds files is never written to.",
    )
    sub.add_argument(
        "--course",
        type=Path,
        help=f"new (or empty) folder for the sample course (default: ./{SAMPLE_CLASS_FOLDER})",
    )
    sub.add_argument(
        "--assignments",
        nargs="+",
        metavar="ASSIGNMENT",
        help="assignment ids (default: h04_lithium_ion e01_capacity_rate); each needs "
        "assessments/wrong_answers/<id>.yml",
    )
    sub.set_defaults(func=_friendly(_sample_class))
