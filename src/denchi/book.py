"""Build the Jupyter Book from the catalog: table of contents, track tables, the build itself.

``python -m denchi.book build`` builds two editions of the book from the same pages, each
with its own table of contents generated from the catalog, treating every warning (and every
notebook execution error) as a failure:

- ``_build/student/html``: the student edition, public: no teacher guides, no answer keys,
  no answers to graded or report questions (teacher-only blocks are ``{only} teacher``), no
  page sources to download;
- ``_build/teacher/html``: the teacher edition, private (behind a school's login or the
  LMS tool): everything;
- ``_build/student/html/notebooks/``: the student notebook copy of every lesson and lab
  page and ``denchi-notebooks.zip`` of them all, for JupyterHub or download from the page
  (:mod:`denchi.student_notebooks`, written and linked by ``book/_ext/notebook_downloads.py``
  in the student build; ``python -m denchi.book notebooks`` writes them alone).

Pages run once for both: their outputs come from the shared execution cache. The build
sets ``$DENCHI_STATIC_EXPLORERS=1``, so a lab's explorer (``discharge_explorer()``) shows as a
static Bokeh document computed over a grid of its controls, cached in
``_build/explorer_cache`` (:mod:`denchi.explorers`).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TextIO

import yaml

from denchi import explorers, page_cache
from denchi.catalog import (
    Catalog,
    load_catalog,
    module_pages,
    page_title,
    repo_root,
    sorted_pages,
)

FRONT_PAGES = ("book/how_to_use",)
BACK_PAGES = ("book/glossary", "book/bibliography")
TEACHER_INDEX = "book/teacher_guides"
# Pages that belong to no module live in these folders; every .md there joins the TOC in
# file-name order (use 01_, 02_ prefixes), so adding a page needs no edit elsewhere.
TEACHING_DIR = Path("book", "teaching")  # how teachers hand out, grade and return work
OPERATORS_DIR = Path("book", "operators")  # hosting the book, JupyterHub and the LMS tool
REFERENCE_DIR = Path("book", "reference")  # API reference of the denchi package
STATUS_LABEL = {"available": "公開中", "planned": "準備中"}
TEACHER_ONLY_LABEL = "教員向け（教師用テキストにあります）"  # a module of a teacher_only track
STUDENT, TEACHER = "student", "teacher"
EDITIONS = (STUDENT, TEACHER)  # the order they are built in
BUILD_DIR = Path("_build")


def output_dir(root: Path, edition: str) -> Path:
    """The HTML folder of an edition: ``<root>/_build/<edition>/html``."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: choose one of {EDITIONS}")
    return root / BUILD_DIR / edition / "html"


def toc(catalog: Catalog, root: Path, edition: str = TEACHER) -> dict:
    """The Jupyter Book table of contents, derived from the catalog alone.

    The student edition leaves out the part for teachers (the guide index, the teacher guides
    and the teaching pages) and the modules of a ``teacher_only`` track (the teacher-training
    kit), keeping that track's page; ``ValueError`` for an unknown edition."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: choose one of {EDITIONS}")
    parts = [{"caption": "はじめに", "chapters": [{"file": p} for p in FRONT_PAGES]}]
    for track in catalog.tracks:
        chapters = []
        for module in catalog.in_track(track.id):
            if not module.available or (edition == STUDENT and catalog.teacher_only(module)):
                continue
            entry, *rest = module_pages(catalog, module, root)
            chapter: dict = {"file": entry}
            if rest:
                chapter["sections"] = [{"file": p} for p in rest]
            chapters.append(chapter)
        track_chapter: dict = {"file": track.page}
        parts.append({"caption": track.title_ja, "chapters": [track_chapter, *chapters]})
    guides = [
        {"file": catalog.paths(m).teacher_guide.with_suffix("").as_posix()}
        for m in catalog.available()
    ]
    teaching = sorted_pages(TEACHING_DIR, root, "*.md")
    if edition == TEACHER:
        parts.append(
            {
                "caption": "指導者向け",
                "chapters": [
                    {"file": TEACHER_INDEX, "sections": guides},
                    *({"file": p} for p in teaching),
                ],
            }
        )
    if operators := sorted_pages(OPERATORS_DIR, root, "*.md"):
        parts.append({"caption": "運用者向け", "chapters": [{"file": p} for p in operators]})
    back = [*BACK_PAGES, *sorted_pages(REFERENCE_DIR, root, "*.md")]
    parts.append({"caption": "付録", "chapters": [{"file": p} for p in back]})
    return {"format": "jb-book", "root": "book/index", "parts": parts}


def _doc_link(title: str, docname: str) -> str:
    return f"{{doc}}`{title} </{docname}>`"


def track_table(track_id: str, catalog: Catalog | None = None) -> str:
    """Markdown table of a track's modules, planned ones marked 「準備中」 and not linked.

    A teacher-only module (:meth:`Catalog.teacher_only`) is marked 「教員向け（教師用テキストに
    あります）」 and linked below the table in an ``{only} teacher`` block: the page runs once
    for both editions, and a table row cannot be left out of one, a block can."""
    catalog = catalog or load_catalog()
    rows = ["| 番号 | 単元 | 時間 | 学習目標 | 状態 |", "|---|---|---|---|---|"]
    teacher_links = []
    for n, m in enumerate(catalog.in_track(track_id), start=1):
        status = STATUS_LABEL[m.status]
        title = _doc_link(m.title_ja, catalog.entry_page(m)) if m.available else m.title_ja
        if m.available and catalog.teacher_only(m):
            status, title = TEACHER_ONLY_LABEL, m.title_ja
            teacher_links.append(f"- {_doc_link(m.title_ja, catalog.entry_page(m))}")
        objectives = "<br>".join(f"・{o}" for o in m.objectives)
        rows.append(
            f"| {n} | {title}<br>*{m.title_en}* | {m.minutes} 分 | {objectives} | {status} |"
        )
    if teacher_links:
        rows += ["", "```{only} teacher", "先生向け：", "", *teacher_links, "```"]
    return "\n".join(rows)


def tracks_overview(catalog: Catalog | None = None) -> str:
    """Markdown table of all tracks for the landing page."""
    catalog = catalog or load_catalog()
    rows = ["| コース | 対象 | 1 コマ | 単元数（公開中） |", "|---|---|---|---|"]
    for t in catalog.tracks:
        modules = catalog.in_track(t.id)
        ready = sum(m.available for m in modules)
        rows.append(
            f"| {_doc_link(t.title_ja, t.page)} | {t.audience_ja} | "
            f"{t.lesson_minutes} 分 | {len(modules)}（{ready}） |"
        )
    return "\n".join(rows)


def module_overview(module_id: str, catalog: Catalog | None = None) -> str:
    """Markdown for a module's entry page: objectives, time, prerequisites and where to go."""
    catalog = catalog or load_catalog()
    m = catalog.module(module_id)
    paths = catalog.paths(m)
    prereqs = [
        _doc_link(p.title_ja, catalog.entry_page(p)) if p.available else f"{p.title_ja}（準備中）"
        for p in map(catalog.module, m.prerequisites)
    ]
    lines = ["**この単元で学ぶこと**", "", *(f"- {o}" for o in m.objectives), ""]
    lines += [
        "| | |",
        "|---|---|",
        f"| 時間 | {m.minutes} 分 |",
        f"| 対応するプログラム | {m.consortium_element} |",
        f"| 先に学んでおくとよい単元 | {'、'.join(prereqs) or 'なし'} |",
        f"| 学習指導要領との関連 | {'<br>'.join(m.guideline_hooks) or '—'} |",
    ]
    for lab_dir in paths.lab_dirs:
        lines.append(
            f"| バーチャルラボ | {_doc_link('ラボを開く', f'{lab_dir.as_posix()}/index')} |"
        )
    if m.assignment:
        lines.append(f"| 課題（自動採点） | `{m.assignment}`（先生から配布されます） |")
    guide = paths.teacher_guide.with_suffix("").as_posix()
    # the guide is in the teacher edition only (a table row cannot be left out, a block can)
    lines += ["", "```{only} teacher", f"先生向け：{_doc_link('指導書', guide)}", "```"]
    return "\n".join(lines)


_EXPLORER_CALL = re.compile(r"\b\w+_explorer\(")  # an explorer called in a page's code
LMS_TOOL_PAGE = "book/operators/01_lms_tool"  # the LTI tool, its web form of an assignment
GRADING_PAGE = "book/teaching/01_grading"  # grading, the Moodle quiz of an intro assignment


def without_python(module_id: str, catalog: Catalog | None = None, root: Path | None = None) -> str:
    """Markdown for a teacher guide's 「Python を使わずに授業をする」: what of the module works
    in the static book on a school Chromebook or iPad (its lab pages' explorers, which
    :mod:`denchi.explorers` makes static, found as ``…_explorer(`` calls in the pages; the
    printable worksheet) and how learners hand in its assignment without Python (intro
    track: the LTI tool's web form or a Moodle quiz from ``denchi grade moodle-quiz``;
    evaluation labs: the lab's report template).

    Raises:
        KeyError: if ``module_id`` is not in the catalog.
        OSError: if a lab page of the module cannot be read.
        CatalogError: bilingual: if a lab page has no ``# `` title.
    """
    catalog = catalog or load_catalog()
    root = root or repo_root()
    m = catalog.module(module_id)
    paths = catalog.paths(m)
    works: list[tuple[str, int]] = []
    fixed: list[tuple[str, int]] = []
    for lab_dir in paths.lab_dirs:
        page = root / lab_dir / "index.md"
        docname = f"{lab_dir.as_posix()}/index"
        link = _doc_link(page_title(root, docname), docname)
        count = len(_EXPLORER_CALL.findall(page.read_text(encoding="utf-8")))
        (works if count else fixed).append((link, count))
    lines = [
        "この本の生徒用の版は、Chromebook や iPad のブラウザだけで読めます"
        "（インストールも Python もいりません）。"
    ]
    for link, count in works:
        lines.append(
            f"{link}には、この本の画面でそのまま動く操作画面が {count} 個あります。"
            "ボタンやスライダー、チェックボックスで選ぶと、本をつくるときに計算しておいた結果が"
            "表示されます。数字はあらかじめ決めたきざみから選ぶので、ノートブック"
            "（JupyterHub など）で開くと、もっと細かいきざみやほかの値も試せます。"
        )
    for link, _ in fixed:
        lines.append(
            f"{link}の図と計算の結果は、この本の画面にそのまま載っています。"
            "条件を変えて試すには、ノートブック（JupyterHub など）が必要です。"
        )
    if paths.lesson_dir is not None and (root / paths.lesson_dir / "90_worksheet.md").is_file():
        worksheet = f"{paths.lesson_dir.as_posix()}/90_worksheet"
        lines.append(f"端末がなければ、{_doc_link('ワークシート', worksheet)}を印刷して使えます。")
    hand_in = []
    if m.assignment and m.track == "intro":
        hand_in = [
            f"課題 `{m.assignment}` は、LTI ツールで LMS に置けば、生徒が課題のページの"
            "「ブラウザで答える」から同じ問題に答えて提出でき、ノートブックと同じ採点とヒントで"
            f"点数が LMS に返ります（{_doc_link('LMS ツールのページ', LMS_TOOL_PAGE)}）。",
            "LTI ツールのない学校では、"
            f"`denchi grade moodle-quiz {m.assignment} -o {m.assignment}.xml` で"
            " Moodle の小テストに書き出せます。配点・許される誤差・ヒントはノートブックと同じで、"
            "コードで求める問があれば書き出すときに表示されます"
            f"（{_doc_link('採点のページ', GRADING_PAGE)}）。",
        ]
    elif m.assignment:
        reports = [
            _doc_link("報告書のひな形", f"{d.as_posix()}/90_report_template")
            for d in paths.lab_dirs
            if (root / d / "90_report_template.md").is_file()
        ]
        hand_in = [
            f"報告書は、{'、'.join(reports) or '報告書のひな形'}を印刷して書くか、"
            "同じ構成の電子ファイルで LMS に提出させます。"
            f"自動採点の課題 `{m.assignment}` は学生ごとのデータを Python で解析するので、"
            "JupyterHub などの Python の環境が必要です（Moodle の小テストにはできません）。"
            "Python を使えないときは、報告書で評価してください。",
        ]
    return "".join(lines) + ("\n\n" + "".join(hand_in) if hand_in else "")


def teacher_guide_table(catalog: Catalog | None = None) -> str:
    """Markdown list of teacher guides for available modules, planned ones as 準備中."""
    catalog = catalog or load_catalog()
    rows = ["| 単元 | コース | 指導書 |", "|---|---|---|"]
    for m in catalog.modules:
        guide = catalog.paths(m).teacher_guide.with_suffix("").as_posix()
        link = _doc_link("指導書を開く", guide) if m.available else STATUS_LABEL["planned"]
        rows.append(f"| {m.title_ja} | {catalog.track(m.track).title_ja} | {link} |")
    return "\n".join(rows)


def write_toc(root: Path, out: Path, edition: str = TEACHER) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        yaml.safe_dump(toc(load_catalog(), root, edition), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return out


def toc_pages(toc_data: dict, root: Path) -> list[Path]:
    """The source files of every page of a table of contents, in reading order."""
    names: list[str] = [toc_data["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections", []) + entry.get("chapters", []))

    walk(toc_data.get("parts", []))
    return [root / f"{name}.md" for name in names if (root / f"{name}.md").is_file()]


LEARNER_FOLDERS = ("modules", "labs")  # pages a learner runs: they get a student notebook copy


def is_learner_page(docname: str) -> bool:
    """Whether a page of the student edition (``modules/h04_lithium_ion/02_voltage``) gets a
    student notebook copy: the pages under ``modules/`` and ``labs/``."""
    return docname.split("/", 1)[0] in LEARNER_FOLDERS


def learner_pages(root: Path) -> list[Path]:
    """The pages under ``modules/`` and ``labs/`` of the student edition, in reading order."""
    pages = toc_pages(toc(load_catalog(), root, STUDENT), root)
    return [p for p in pages if is_learner_page(p.relative_to(root).as_posix())]


def write_notebooks(root: Path) -> Path:
    """Write the student notebook copies of the learner pages and their zip into the student
    edition's HTML folder (:mod:`denchi.student_notebooks`), as its build does; returns the
    zip."""
    from denchi.student_notebooks import write_student_notebooks

    return write_student_notebooks(root, learner_pages(root), STUDENT, output_dir(root, STUDENT))


def build(
    root: Path | None = None,
    *,
    editions: tuple[str, ...] = EDITIONS,
    log: Path | None = None,
) -> int:
    """Build ``editions`` of the book into ``<root>/_build/<edition>/html``; returns the exit
    code (the first failure's).

    Pages that lost their outputs run first, in parallel, into the execution cache that both
    editions read, so an edition costs only Sphinx's reading and writing. The editions are
    then written at the same time (two Sphinx processes that only read the cache); when a
    page failed to run there, one after the other (Sphinx runs that page again and writes its
    outputs to the cache). ``log``: write the output to this file instead of the terminal
    (the tests quote its warnings); the first edition's output comes as it is written, the
    others' after it.
    """
    root = root or repo_root()
    tocs = {e: write_toc(root, root / BUILD_DIR / e / "_toc.yml", e) for e in editions}
    # explorers render as static Bokeh documents, their grids cached under _build/
    # (denchi.explorers); in a notebook they stay ipywidgets
    env = dict(
        os.environ,
        PYBAMM_DISABLE_TELEMETRY="true",
        DENCHI_ROOT=str(root),
        **{explorers.STATIC_ENV: "1"},
    )
    env.pop("MPLBACKEND", None)  # notebooks must use the inline backend so figures are kept
    # every page of every edition (the teacher edition holds them all)
    stale = page_cache.invalidate(root, toc_pages(toc(load_catalog(), root, TEACHER), root))
    out = log.open("w", encoding="utf-8") if log else sys.stdout
    try:
        # run the pages without cached outputs several at a time, in the environment of the
        # build; it fails when a page is left to Sphinx
        executed, _ = _run_logged([sys.executable, "-m", "denchi.book", "execute"], root, env, out)
        together = executed == 0  # no page left to Sphinx: the editions only read the cache
        later = [io.StringIO() if together else out for _ in list(tocs)[1:]]

        def write(edition: str, buffer: TextIO) -> int:
            return _sphinx_edition(root, env, edition, tocs[edition], bool(stale), buffer)

        with ThreadPoolExecutor(max_workers=len(tocs) if together else 1) as pool:
            results = list(pool.map(write, tocs, [out, *later]))
        for buffer in later:
            if isinstance(buffer, io.StringIO):
                out.write(buffer.getvalue())
    finally:
        if log:
            out.close()
    return next((code for code in results if code != 0), 0)


def _sphinx_edition(
    root: Path, env: dict[str, str], edition: str, toc_file: Path, fresh: bool, out: TextIO
) -> int:
    """Run :func:`sphinx_build` for ``edition`` in a process of its own, its output to
    ``out``; once more when a kernel could not start (:data:`KERNEL_START_RACE`). Exit code."""
    cmd = [sys.executable, "-m", "denchi.book", "sphinx", edition, str(toc_file)]
    # re-read every page when some lost their outputs (the others come from the cache)
    result, output = _run_logged([*cmd, *(["--all"] if fresh else [])], root, env, out)
    if result != 0 and any(sign in output for sign in KERNEL_START_RACE):
        # Jupyter picks a kernel's TCP ports before the kernel binds them; on a busy
        # machine another process can take one in between and the kernel dies at start.
        # That is no fault of the page: build once more (executed pages are cached).
        print("denchi.book: a kernel could not start (port taken); building again", file=out)
        out.flush()
        result, _ = _run_logged([*cmd, "--all"], root, env, out)
    return result


def sphinx_build(root: Path, edition: str, toc_file: Path, fresh: bool = False) -> int:
    """Run Sphinx (through Jupyter Book) for one edition, tagged ``edition``; exit code.

    Every warning is an error (``-W``, keep going to report them all); the execution cache
    is the shared ``_build/.jupyter_cache``; ``fresh`` re-reads every page."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        root,
        output_dir(root, edition),
        noconfig=True,
        path_config=str(root / "book" / "_config.yml"),
        confoverrides={
            "external_toc_path": toc_file.as_posix(),
            "latex_individualpages": False,
            "nb_execution_cache_path": str(root / page_cache.CACHE_DIR),
        },
        builder="html",
        tags=[edition],
        warningiserror=True,
        keep_going=True,
        freshenv=fresh,
    )
    return result if isinstance(result, int) else 1


KERNEL_START_RACE = ("Address already in use", "Kernel died before replying to kernel_info")


def _run_logged(cmd: list[str], root: Path, env: dict[str, str], out: TextIO) -> tuple[int, str]:
    """Run ``cmd``, its output written to ``out`` line by line; returns (exit code, output)."""
    lines = []
    with subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            out.flush()
            lines.append(line)
    return proc.returncode, "".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m denchi.book")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build both editions into _build/<edition>/html")
    p_build.add_argument("--edition", choices=EDITIONS, help="build this edition only")
    p_toc = sub.add_parser("toc", help="print the generated table of contents")
    p_toc.add_argument("--edition", choices=EDITIONS, default=TEACHER)
    sub.add_parser("execute", help="execute the pages that have no cached outputs, in parallel")
    sub.add_parser(
        "notebooks", help="write the student notebook copies of the pages (no build, no run)"
    )
    p_sphinx = sub.add_parser("sphinx", help="(used by build) run Sphinx for one edition")
    p_sphinx.add_argument("edition", choices=EDITIONS)
    p_sphinx.add_argument("toc_file", type=Path)
    p_sphinx.add_argument("--all", action="store_true", help="re-read every page")
    args = parser.parse_args(argv)
    root = repo_root()
    if args.command == "toc":
        data = toc(load_catalog(), root, args.edition)
        print(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    elif args.command == "execute":
        pages = list(page_cache.uncached(root, toc_pages(toc(load_catalog(), root), root)))
        # pages left to Sphinx: the build writes the editions one after the other
        sys.exit(3 if page_cache.execute(root, pages, page_cache.default_workers()) else 0)
    elif args.command == "notebooks":
        print(write_notebooks(root))
    elif args.command == "sphinx":
        sys.exit(sphinx_build(root, args.edition, args.toc_file, fresh=args.all))
    else:
        sys.exit(build(editions=(args.edition,) if args.edition else EDITIONS))


if __name__ == "__main__":
    main()
