"""The h09 self-check as checkboxes, for a page opened as a notebook (nothing leaves the page)."""

from __future__ import annotations

from denchi.careers.self_check import questions, suggest


def self_check_explorer():
    """One checkbox per question; the suggested roles update as boxes are ticked.

    Needs ipywidgets and a live kernel; nothing leaves the page. Scoring:
    :func:`denchi.careers.suggest`.

    Returns:
        An ``ipywidgets.interactive`` widget.
    """
    import ipywidgets as widgets

    boxes = {
        q.key: widgets.Checkbox(value=False, description=q.text_ja, indent=False)
        for q in questions()
    }

    def show(**answers: bool) -> None:
        ranked = suggest(answers, top=3)
        if not ranked:
            print(
                "当てはまるものにチェックを入れてください。全部の仕事を見てみるのもおすすめです。"
            )
        for role, score in ranked:
            print(f"★{score}  {role.name_ja}：{role.what_ja}")

    return widgets.interactive(show, **boxes)
