"""Scaffold a planned module: every part its catalog entry names, ready to be written.

    python3 dev.py new-module u02_materials      (runs ``python -m denchi.scaffold u02_materials``)

The module must already have its entry in ``book/curriculum.yml`` (with ``status: planned``).
The scaffold writes what ``docs/CONTRIBUTING.md`` ("Add a module") asks for, so that the fast
tier passes at once and the author replaces placeholders instead of copying another module:

- ``modules/<id>/index.md`` (the module overview cell) and ``01_page.md`` (objectives,
  narrative, a check question in a dropdown, まとめ, references), for a track with lesson pages;
  for the intro track also ``90_worksheet.md`` (five ``ws-question`` boxes, no answers; their
  answers in the guide's 「ワークシートの解答」, :mod:`denchi.worksheet`);
- ``labs/<lab id>/index.md`` for each id under ``labs:``;
- ``assessments/source/<assignment>/<assignment>.ipynb`` (nbgrader cells: locked set-up, two
  questions with solution and test cells, visible ``checks.answered_*`` and hidden graded
  checks) and ``assessments/wrong_answers/<assignment>.yml`` (partial credit), when the entry
  names an assignment;
- ``teacher_guides/<id>.md`` with the cells every guide needs (overview, curriculum hooks,
  answer key generated from the assignment, ``{footbibliography}``);

and sets the entry's ``status`` to ``available`` (the catalog tests require every part of an
available module, and none of a planned one). Every placeholder carries :data:`PLACEHOLDER`:
text 「（✎ …）」 to replace, and MyST comments ``% ✎ …`` (not rendered) to follow and delete.
The fast tier fails while one is left (``tests/test_catalog.py``), so a scaffold is never
committed as a finished module.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from string import Template

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from denchi.catalog import CATALOG_RELPATH, Catalog, Module, load_catalog, repo_root

PLACEHOLDER = "✎"  # marks every piece of template text the author replaces


class ScaffoldError(ValueError):
    """The module cannot be scaffolded (unknown id, already available, or parts exist)."""


HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

INDEX = Template(
    HEADER
    + """
# $title_ja

% ✎ Two or three sentences: what the module is about and why it matters (docs/STYLE.md).
（✎ この単元で学ぶことの紹介を 2〜3 文で書く。）

```{code-cell} ipython3
:tags: [remove-input]
from IPython.display import Markdown
from denchi.book import module_overview

Markdown(module_overview("$id"))
```

## 単元の流れ

$flow
"""
)

PAGE = Template(
    HEADER
    + """
# （✎ 節の題）

% ✎ One idea per paragraph; a number about industry, policy, standards or materials carries
% ✎ {footcite:p}`key` (an entry of book/references.bib whose source you have read).
**この節で学ぶこと**

- （✎ 目標 1）
- （✎ 目標 2）

## （✎ 見出し）

（✎ 本文。）

## 確認問題

**問 1**　（✎ 問い）

:::{dropdown} 答えを見る
（✎ 答え）
:::

## まとめ

- （✎ 要点 1）
- （✎ 要点 2）
- （✎ 要点 3）

## 参考文献

```{footbibliography}
```
"""
)

WORKSHEET = Template(
    HEADER
    + """
# ワークシート：$title_ja

````{container} ws-screen-only
**先生へ**：端末がない授業で使う、印刷用のワークシートです（答えはのせていません）。
```{only} teacher
解答は指導書 {doc}`/teacher_guides/$id` にあります。
```
````

<table class="ws-name"><tr><td>年　　組　　番</td><td>名前</td>
<td>日付　　　月　　　日</td></tr></table>

$questions
"""
)

WORKSHEET_QUESTION = """\
```{container} ws-question
**($number)** （✎ 問い）

<div class="ws-lines ws-2"></div>
```
"""

LAB = Template(
    HEADER
    + """
# （✎ ラボの題）

**この活動で調べること**

- （✎ 調べること）

% ✎ Drive denchi.labs in a few lines (docs/CONTRIBUTING.md, "Add a lab"); a figure cell carries
% ✎ its caption, name and alt text in mystnb metadata (docs/STYLE.md).
## 実験 1：（✎ 実験の題）

（✎ 予想を書いてから、計算の結果を見る。）

## 参考文献

```{footbibliography}
```
"""
)

GUIDE = Template(
    HEADER
    + """
# 指導書：$title_ja（$short）

（✎ この授業のねらいを 2〜3 文で書く。）

```{code-cell} ipython3
:tags: [remove-input]
from IPython.display import Markdown
from denchi.book import module_overview

Markdown(module_overview("$id"))
```

## 準備

- （✎ 端末・印刷物・実験器具）

## 授業の流れ（$minutes 分）

| 段階 | 時間 | 学習活動 | 指導上の留意点 |
|---|---|---|---|
| 導入 | （✎ 分） | （✎ 活動） | （✎ 留意点） |
| 展開 | （✎ 分） | （✎ 活動） | （✎ 留意点） |
| まとめ | （✎ 分） | （✎ 活動） | （✎ 留意点） |

## 評価規準

| 観点 | 評価規準 | 主な評価の場面・方法 |
|---|---|---|
| 知識・技能 | （✎ 規準） | （✎ 場面） |
| 思考・判断・表現 | （✎ 規準） | （✎ 場面） |
| 主体的に学習に取り組む態度 | （✎ 規準） | （✎ 場面） |

## 板書計画

```text
（✎ 板書）
```

## 40 人の学級で行うとき

- （✎ 進め方）

## 学習指導要領との関連

```{code-cell} ipython3
:tags: [remove-input]
from denchi.catalog import load_catalog

Markdown("\\n".join(f"- {hook}" for hook in load_catalog().module("$id").guideline_hooks))
```

## 生徒がつまずきやすい点

| よくある考え | 正しい理解 | 授業での手立て |
|---|---|---|
| （✎ 考え） | （✎ 理解） | （✎ 手立て） |

## モデルで示せないこと

- （✎ 限界）
$worksheet_answers$answer_key
## 参考文献

```{footbibliography}
```
"""
)

WORKSHEET_ANSWERS = Template(
    """
## ワークシートの解答

{doc}`/modules/$id/90_worksheet` の解答例です。問いの番号はワークシートから読んでいるので、
ワークシートに問いを足すと、ここに解答を書くまで教材のテストが通りません。

```{code-cell} ipython3
:tags: [remove-input]
from denchi.worksheet import VARIES, worksheet_answers_markdown

# ✎ compute numbers with denchi functions; start an answer that varies by student with VARIES
Markdown(worksheet_answers_markdown("$id", {
$answers}))
```
"""
)

ANSWER_KEY = Template(
    """
## 課題の解答

課題 `$assignment` の解答例です。課題のノートブック（nbgrader の解答セル）から自動で作成しています。

```{code-cell} ipython3
:tags: [remove-input]
from denchi.grading.answer_key import answer_key_markdown, answer_values_markdown

Markdown(answer_values_markdown("$assignment") + "\\n\\n" + answer_key_markdown("$assignment"))
```
"""
)

WRONG_ANSWERS = Template(
    """\
# A typical wrong submission of the $assignment assignment, used by the automatic assignment
# tests (docs/CONTRIBUTING.md, "Add an assignment"): right in some cells, wrong in others.
$assignment.ipynb:
  q1_answer: q1_value = 2.0                  # ✎ the typical mistake
  q2_answer: q2_choice = "A"
"""
)


def _nbgrader(
    grade_id: str, *, grade: bool = False, solution: bool = False, **extra: object
) -> dict:
    """Cell metadata of nbgrader's format, schema version 3 (``nbgrader.nbgraderformat.v3``:
    a graded cell has ``points``; every graded, solution or locked cell has a ``grade_id``)."""
    locked = not solution
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    return {"nbgrader": {**meta, "solution": solution, **extra}}


def assignment_notebook(module: Module) -> nbformat.NotebookNode:
    """The nbgrader source notebook of a new assignment: two questions worth 2 points each.

    Question 1 asks for a number (``checks.number``), question 2 for a choice
    (``checks.choice``); each has a solution cell and a test cell whose hidden part is the
    graded check. Cells carry nbformat 4.5 ids and no outputs.

    Args:
        module: A catalog module with an assignment.
    """
    title = module.title_ja

    def question(
        number: int, text: str, answer: str, visible: str, hidden: str
    ) -> list[nbformat.NotebookNode]:
        q = f"q{number}"
        test = f"# 確認\n{visible}\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS"
        return [
            new_markdown_cell(text, metadata=_nbgrader(f"{q}_question")),
            new_code_cell(
                f"### BEGIN SOLUTION\n{answer}\n### END SOLUTION",
                metadata=_nbgrader(f"{q}_answer", solution=True),
            ),
            new_code_cell(test, metadata=_nbgrader(f"{q}_test", grade=True, points=2)),
        ]

    hints = (
        '    hint_ja="（✎ 答えを言わずに、考え方を示すヒント）",\n'
        '    hint_en="(✎ a hint that shows the way without giving the answer)",\n)'
    )
    cells = [
        new_markdown_cell(
            f"# 課題：{title}\n\n（✎ 進め方と配点の説明。全部で 4 点。）",
            metadata=_nbgrader("intro"),
        ),
        new_code_cell(
            "# 準備：採点用の道具を読み込みます（このセルは書きかえないでください）\n"
            "from denchi.grading import checks",
            metadata=_nbgrader("setup"),
        ),
        *question(
            1,
            "## 問1　（✎ 題）（2 点）\n\n（✎ 問い。答えを `q1_value` に数値で入れる。）",
            "q1_value = 1.0",
            'checks.answered_number("q1_value")',
            f'checks.number(\n    "q1_value", expected=1.0, rel_tol=0.01,\n{hints}',
        ),
        *question(
            2,
            "## 問2　（✎ 題）（2 点）\n\n（✎ 問い。A〜D から選び、`q2_choice` に文字列で入れる。）",
            'q2_choice = "A"',
            'checks.answered_choice("q2_choice", "ABCD")',
            f'checks.choice(\n    "q2_choice", expected="A", choices="ABCD",\n{hints}',
        ),
        new_markdown_cell(
            "## おわりに\n\nすべてのセルを上から実行し直して（メニューの「Run All」）、"
            "エラーが出ないことを確かめてから提出しましょう。",
            metadata=_nbgrader("outro"),
        ),
    ]
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return new_notebook(
        cells=cells, metadata={"kernelspec": kernel, "language_info": {"name": "python"}}
    )


def _files(catalog: Catalog, module: Module) -> dict[Path, str]:
    """The scaffold's files of ``module`` (relative path -> text); the notebook as JSON."""
    paths = catalog.paths(module)
    track = catalog.track(module.track)
    files: dict[Path, str] = {}
    worksheet_answers = ""
    if paths.lesson_dir is not None:
        flow = ["1. {doc}`01_page`：（✎ この節の内容）"]
        flow += [
            f"{i}. {{doc}}`/{lab.as_posix()}/index`：（✎ ラボの内容）"
            for i, lab in enumerate(paths.lab_dirs, start=2)
        ]
        if track.id == "intro":  # required there (tests/test_worksheets.py)
            flow.append(f"{len(flow) + 1}. {{doc}}`90_worksheet`：印刷して使うワークシート")
            questions = "\n".join(
                WORKSHEET_QUESTION.replace("$number", str(n)) for n in range(1, 6)
            )
            files[paths.lesson_dir / "90_worksheet.md"] = WORKSHEET.substitute(
                title_ja=module.title_ja, id=module.id, questions=questions
            )
            worksheet_answers = WORKSHEET_ANSWERS.substitute(
                id=module.id,
                answers="".join(f'    {n}: "（✎ 解答）",\n' for n in range(1, 6)),
            )
        files[paths.lesson_dir / "index.md"] = INDEX.substitute(
            title_ja=module.title_ja, id=module.id, flow="\n".join(flow)
        )
        files[paths.lesson_dir / "01_page.md"] = PAGE.substitute()
    for lab in paths.lab_dirs:
        files[lab / "index.md"] = LAB.substitute()
    answer_key = ""
    if module.assignment is not None and paths.assignment_dir is not None:
        notebook = assignment_notebook(module)
        files[paths.assignment_dir / f"{module.assignment}.ipynb"] = nbformat.writes(notebook)
        files[wrong_answers_path(module.assignment)] = WRONG_ANSWERS.substitute(
            assignment=module.assignment
        )
        answer_key = ANSWER_KEY.substitute(assignment=module.assignment)
    files[paths.teacher_guide] = GUIDE.substitute(
        title_ja=module.title_ja,
        short=module.id.split("_", 1)[0],
        id=module.id,
        minutes=module.minutes,
        worksheet_answers=worksheet_answers,
        answer_key=answer_key,
    )
    return files


def wrong_answers_path(assignment: str) -> Path:
    """``assessments/wrong_answers/<assignment>.yml``, relative to the repository root."""
    return Path("assessments", "wrong_answers", f"{assignment}.yml")


def new_module(module_id: str, root: Path | None = None) -> list[Path]:
    """Write the scaffold of a planned module and mark it available in the catalog.

    Nothing is written unless every file is new: an existing part is never overwritten.

    Args:
        module_id: Id of a module whose entry in ``book/curriculum.yml`` has
            ``status: planned``, e.g. ``"u02_materials"``.
        root: The repository root; None uses :func:`denchi.catalog.repo_root`.

    Returns:
        The files written, relative to ``root``, and ``book/curriculum.yml`` last.

    Raises:
        ScaffoldError: If the catalog has no module ``module_id``, the module is already
            available, or one of its parts exists already.
        denchi.catalog.CatalogError: If the catalog is malformed.
    """
    root = root or repo_root()
    catalog_path = root / CATALOG_RELPATH
    catalog = load_catalog(catalog_path)
    try:
        module = catalog.module(module_id)
    except KeyError:
        raise ScaffoldError(
            f"{module_id!r} is not in {CATALOG_RELPATH.as_posix()}: add its entry first "
            "(status: planned; the module map is docs/CURRICULUM.md)"
        ) from None
    if module.available:
        raise ScaffoldError(f"{module_id} is already available: edit its files instead")
    files = _files(catalog, module)
    present = [p.as_posix() for p in files if (root / p).exists()]
    present += [p.as_posix() for p in catalog.paths(module).all() if (root / p).exists()]
    if present:
        raise ScaffoldError(
            f"{module_id}: {sorted(set(present))} exist already; nothing was written "
            "(move them away, or finish the module by hand)"
        )
    text = catalog_path.read_text(encoding="utf-8")
    entry = re.compile(
        rf"^(  - id: {re.escape(module_id)}\n(?:    .*\n)*?    status: )planned$", re.M
    )
    marked, count = entry.subn(r"\1available", text, count=1)
    if count != 1:
        raise ScaffoldError(
            f"{CATALOG_RELPATH.as_posix()}: cannot find the line 'status: planned' in the "
            f"entry of {module_id}; set it to available by hand"
        )
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content, encoding="utf-8")
    catalog_path.write_text(marked, encoding="utf-8")
    return [*files, CATALOG_RELPATH]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m denchi.scaffold MODULE_ID``; exit status 2 on a refusal."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("module_id", help="id of a planned module in book/curriculum.yml")
    args = parser.parse_args(argv)
    try:
        written = new_module(args.module_id)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(["Wrote:", *(f"  {p.as_posix()}" for p in written)]))
    print(
        f"Next: replace every （{PLACEHOLDER} …） and follow, then delete, every % {PLACEHOLDER} "
        "comment (docs/CONTRIBUTING.md, 'Add a module'); the fast tier fails while one is left."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
