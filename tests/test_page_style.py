"""How pages look, checked from their sources and the stylesheet (no build)."""

from __future__ import annotations

import re

import pytest
from sources import sources

# admonitions whose directive takes no title: an argument is glued into the first sentence
UNTITLED = "note|tip|hint|important|warning|caution|attention|danger|error|seealso"
TITLED_UNTITLED = re.compile(rf"^(?::{{3,}}|`{{3,}})\{{({UNTITLED})\}}[ \t]+\S.*$", re.M)


def _book_pages(root):
    return sources(root, ("modules", "labs", "book", "teacher_guides"), "*.md")


def test_no_note_box_has_its_title_glued_to_its_first_sentence(root):
    """``:::{note} 題`` has no title: 題 becomes the start of the first paragraph. A titled
    box is ``:::{admonition} 題`` with ``:class: note``."""
    offenders = [
        f"{page.relative_to(root)}: {m.group(0)}"
        for page in _book_pages(root)
        for m in TITLED_UNTITLED.finditer(page.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize(
    # the theme's text and page colours (pydata-sphinx-theme, light and dark)
    "theme, text, page",
    [("light", "#222832", "#ffffff"), ("dark", "#ced6dd", "#14181e")],
)
def test_the_worksheet_teacher_note_is_readable_in_both_themes(root, theme, text, page):
    """WCAG AA: 4.5:1 for the note's text on its background, composited over the page."""
    css = (root / "book" / "_static" / "denchi.css").read_text(encoding="utf-8")
    rule = re.search(r"^\.ws-screen-only\s*\{([^}]*)\}", css, re.M).group(1)
    background = re.search(r"background:\s*rgba\(([^)]*)\)", rule)
    assert background, "the note's background must be translucent (it sits on either theme)"
    r, g, b, alpha = (float(v) for v in background.group(1).split(","))
    over = tuple(
        alpha * c / 255 + (1 - alpha) * p for c, p in zip((r, g, b), _rgb(page), strict=True)
    )
    assert _contrast(_rgb(text), over) >= 4.5, theme
