"""Join Japanese lines without a space.

Source paragraphs are wrapped at about 100 characters. HTML turns every line break into a
space, which is right between English words and wrong between Japanese characters
(「層と層の すき間」). This transform removes a line break whose neighbours on both sides are
Japanese characters or full-width punctuation, inside running text only (never in code).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_INNER = re.compile(rf"(?<=[{CJK}])\n(?=[{CJK}])")
_IS_CJK = re.compile(rf"[{CJK}]")
_SKIP = (nodes.literal_block, nodes.literal, nodes.raw, nodes.math, nodes.math_block)


def _is_cjk(char: str) -> bool:
    return bool(char) and bool(_IS_CJK.match(char))


def _position(text: nodes.Text) -> int:
    # by identity: Text nodes are strings, and list.index() would find an equal twin
    return next(i for i, child in enumerate(text.parent.children) if child is text)


def _neighbours(text: nodes.Text) -> tuple[str, str]:
    """The character just before and just after a text node, across inline siblings."""
    parent = text.parent
    index = _position(text)
    before = parent[index - 1].astext()[-1:] if index > 0 else ""
    following = text.next_node(descend=False, siblings=True, ascend=True)
    after = following.astext()[:1] if following is not None else ""
    return before, after


class JoinJapaneseLines(SphinxPostTransform):
    # a post-transform runs on the resolved doctree, after citations and references
    # have been turned into their final nodes
    default_priority = 900

    def run(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or isinstance(parent, _SKIP) or "\n" not in text:
                continue
            value = _INNER.sub("", str(text))
            before, after = _neighbours(text)
            # MyST gives each soft line break its own "\n" node; other breaks sit at node edges
            if value.endswith("\n") and _is_cjk((value[:-1] or before)[-1:]) and _is_cjk(after):
                value = value[:-1]
            if value.startswith("\n") and _is_cjk(before) and _is_cjk(value[1:2] or after):
                value = value[1:]
            if value != str(text):
                replacement = nodes.Text(value)
                parent.children[_position(text)] = replacement
                replacement.parent = parent


def setup(app: Sphinx) -> dict:
    app.add_post_transform(JoinJapaneseLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
