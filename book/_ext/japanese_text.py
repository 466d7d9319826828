"""Japanese text: lines joined without a space, and search queries split like the index.

**Lines.**
Source paragraphs are wrapped at about 100 characters. HTML turns every line break into a
space, which is right between English words and wrong between Japanese characters
(「層と層の すき間」). This transform removes a line break whose neighbours on both sides are
Japanese characters or full-width punctuation, inside running text only (never in code).

**Search.** Sphinx splits the text of Japanese pages into words with TinySegmenter when it
builds the search index (リチウムイオン電池 → リチウム, イオン, 電池), but gives the browser no
splitter for the query, so a compound word is looked up whole and not found. The search
language registered here hands the browser the same TinySegmenter model (its tables are read
from Sphinx's own ``DefaultSplitter``) and the same filter (words of one character are not
indexed, so they are not looked up).
"""

from __future__ import annotations

import json
import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search.ja import DefaultSplitter, SearchJapanese
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


_FEATURES = [
    name.rstrip("_")
    for name in vars(DefaultSplitter)
    if name.endswith("__") and name[0].isupper() and name != "BIAS__"
]
# One step of TinySegmenter, exactly as sphinx.search.ja.DefaultSplitter.split (including its
# use of UQ1 for the third unigram of the previous tags).
_SPLIT_JS = """
const DENCHI_TS = %(tables)s;
const DENCHI_TS_TYPES = %(types)s.map(([p, v]) => [new RegExp(p), v]);
function denchiCtype(c) {
  for (const [p, v] of DENCHI_TS_TYPES) if (p.test(c)) return v;
  return "O";
}
function denchiSegment(input) {
  if (!input) return [];
  const t = DENCHI_TS, ts = (d, k) => (t[d][k] || 0);
  const chars = Array.from(input);
  const seg = ["B3", "B2", "B1", ...chars, "E1", "E2", "E3"];
  const ct = ["O", "O", "O", ...chars.map(denchiCtype), "O", "O", "O"];
  const result = [];
  let word = seg[3], p1 = "U", p2 = "U", p3 = "U";
  for (let i = 4; i < seg.length - 3; i++) {
    const [w1, w2, w3, w4, w5, w6] = seg.slice(i - 3, i + 3);
    const [c1, c2, c3, c4, c5, c6] = ct.slice(i - 3, i + 3);
    let s = %(bias)d;
    s += ts("UP1", p1) + ts("UP2", p2) + ts("UP3", p3) + ts("BP1", p1 + p2) + ts("BP2", p2 + p3);
    s += ts("UW1", w1) + ts("UW2", w2) + ts("UW3", w3) + ts("UW4", w4) + ts("UW5", w5);
    s += ts("UW6", w6) + ts("BW1", w2 + w3) + ts("BW2", w3 + w4) + ts("BW3", w4 + w5);
    s += ts("TW1", w1 + w2 + w3) + ts("TW2", w2 + w3 + w4) + ts("TW3", w3 + w4 + w5);
    s += ts("TW4", w4 + w5 + w6) + ts("UC1", c1) + ts("UC2", c2) + ts("UC3", c3);
    s += ts("UC4", c4) + ts("UC5", c5) + ts("UC6", c6) + ts("BC1", c2 + c3);
    s += ts("BC2", c3 + c4) + ts("BC3", c4 + c5) + ts("TC1", c1 + c2 + c3);
    s += ts("TC2", c2 + c3 + c4) + ts("TC3", c3 + c4 + c5) + ts("TC4", c4 + c5 + c6);
    s += ts("UQ1", p1 + c1) + ts("UQ2", p2 + c2) + ts("UQ1", p3 + c3);
    s += ts("BQ1", p2 + c2 + c3) + ts("BQ2", p2 + c3 + c4) + ts("BQ3", p3 + c2 + c3);
    s += ts("BQ4", p3 + c3 + c4) + ts("TQ1", p2 + c1 + c2 + c3);
    s += ts("TQ2", p2 + c2 + c3 + c4) + ts("TQ3", p3 + c1 + c2 + c3);
    s += ts("TQ4", p3 + c2 + c3 + c4);
    let p = "O";
    if (s > 0) { result.push(word.trim()); word = ""; p = "B"; }
    p1 = p2; p2 = p3; p3 = p;
    word += seg[i];
  }
  result.push(word.trim());
  return result;
}
function splitQuery(query) {
  // pieces between spaces and punctuation, as Sphinx's default splitQuery, then words
  const pieces = query.split(/[^\\p{Letter}\\p{Number}_\\p{Emoji_Presentation}]+/gu);
  const words = pieces.filter((w) => w).flatMap(denchiSegment).filter((w) => w);
  // words of one character are not in the index (SearchJapanese.word_filter)
  const indexed = words.filter((w) => w.length > 1);
  return indexed.length ? indexed : words;
}
"""


def query_splitter_js() -> str:
    """JavaScript defining ``splitQuery`` with the TinySegmenter model of the index."""
    tables = {name: getattr(DefaultSplitter, f"{name}__") for name in _FEATURES}
    types = [[p.pattern, v] for p, v in DefaultSplitter.patterns_.items()]
    return _SPLIT_JS % {
        "tables": json.dumps(tables, ensure_ascii=False, separators=(",", ":")),
        "types": json.dumps(types, ensure_ascii=False),
        "bias": DefaultSplitter.BIAS__,
    }


class JapaneseSearch(SearchJapanese):
    """Sphinx's Japanese search with a query splitter that matches the index."""

    js_splitter_code = query_splitter_js()


def setup(app: Sphinx) -> dict:
    app.add_post_transform(JoinJapaneseLines)
    app.add_search_language(JapaneseSearch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
