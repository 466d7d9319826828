"""The h09 self-check as check boxes: live in a notebook, static in the book
(:mod:`denchi.explorers`); nothing leaves the page."""

from __future__ import annotations

from typing import Any

from denchi.careers.self_check import questions, suggest


def self_check_explorer() -> Any:
    """One check box per question; the suggested roles update as boxes are ticked.

    The same check boxes in a notebook and in the book, where the suggestions of every
    combination of answers (2 ** 8 = 256 points of printed lines) are in the page and chosen
    in the browser (:mod:`denchi.explorers`): nothing leaves the page. Scoring:
    :func:`denchi.careers.suggest`.

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        ValueError: if a control is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    from denchi.explorers import YES_NO, Choice, explorer

    def show(ax: object, **answers: bool) -> str:
        ranked = suggest(answers, top=3)
        if not ranked:
            print(
                "当てはまるものにチェックを入れてください。全部の仕事を見てみるのもおすすめです。"
            )
        for role, score in ranked:
            print(f"★{score}  {role.name_ja}：{role.what_ja}")
        return ""

    return explorer(
        "h09_self_check",
        show,
        [Choice(q.key, q.text_ja, YES_NO) for q in questions()],
        arguments={},
        packages=("denchi.careers",),
        figure=False,
    )
