"""A page runs again exactly when something it uses changed (denchi.page_cache)."""

from __future__ import annotations

import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from denchi import page_cache
from denchi.book import toc, toc_pages
from denchi.catalog import load_catalog

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# {title}

```{{code-cell}} ipython3
{code}
```
"""


def test_denchi_imports_names_the_parts_a_page_uses():
    code = (
        "%matplotlib inline\n"
        "from denchi import labs, chem\n"
        "import denchi.sustain.footprint\n"
        "from denchi.grading.answer_key import answer_key_markdown\n"
        "import numpy as np\n"
    )
    assert page_cache.denchi_imports(code) == {"labs", "chem", "sustain", "grading"}
    assert page_cache.denchi_imports("this is not python (") == set()


def _write(path, text=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_closure_follows_imports_through_other_parts(tmp_path):
    src = tmp_path / "denchi"
    _write(src / "__init__.py")
    _write(src / "a" / "__init__.py", "from denchi.b import x\n")
    _write(src / "b.py", "def f():\n    import denchi.c\n")
    _write(src / "c.py")
    _write(src / "d.py")
    assert page_cache.part_closure(src, {"a"}) == {"__init__", "a", "b", "c"}
    assert page_cache.part_closure(src, {"missing"}) == {"__init__"}


@pytest.fixture
def book(tmp_path):
    """A tiny checkout: two parts of denchi, a page using chem, a page using no denchi."""
    root = tmp_path / "book"
    _write(root / "uv.lock", "lock 1")
    _write(root / "src" / "denchi" / "__init__.py")
    _write(root / "src" / "denchi" / "chem" / "__init__.py", "E0 = 1.1\n")
    _write(root / "src" / "denchi" / "lms" / "__init__.py", "PORT = 1\n")
    chem = root / "modules" / "chem.md"
    plain = root / "modules" / "plain.md"
    _write(chem, PAGE.format(title="chem", code="from denchi import chem\nprint(chem.E0)"))
    _write(plain, PAGE.format(title="plain", code="print(1 + 1)"))
    cache = get_cache(str(root / page_cache.CACHE_DIR))
    for page in (chem, plain):  # as if both had been executed
        nb = page_cache.read_page(page)
        nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="out\n")]
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(page)), check_validity=False)
    return root, chem, plain


def _cached(root) -> set[str]:
    records = get_cache(str(root / page_cache.CACHE_DIR)).list_cache_records()
    return {r.uri.rsplit("/", 1)[-1] for r in records}


def test_only_pages_whose_inputs_changed_lose_their_outputs(book):
    root, chem, plain = book
    pages = [chem, plain]
    assert page_cache.invalidate(root, pages) == pages  # no fingerprints yet: all stale
    # the first run dropped both; cache them again and start from a known state
    cache = get_cache(str(root / page_cache.CACHE_DIR))
    for page in pages:
        cache.cache_notebook_bundle(
            CacheBundleIn(page_cache.read_page(page), str(page)), check_validity=False
        )
    assert page_cache.invalidate(root, pages) == []
    assert _cached(root) == {"chem.md", "plain.md"}

    _write(root / "src" / "denchi" / "lms" / "__init__.py", "PORT = 2\n")
    assert page_cache.invalidate(root, pages) == []  # no page uses the LMS code

    _write(root / "src" / "denchi" / "chem" / "__init__.py", "E0 = 1.2\n")
    assert page_cache.invalidate(root, pages) == [chem]
    assert _cached(root) == {"plain.md"}
    assert [p.name for p in page_cache.uncached(root, pages)] == ["chem.md"]

    _write(root / "uv.lock", "lock 2")
    assert page_cache.invalidate(root, pages) == pages


def test_every_page_of_the_book_is_found(root):
    data = toc(load_catalog(), root)
    pages = toc_pages(data, root)
    assert pages[0] == root / "book" / "index.md"
    assert root / "modules" / "h04_lithium_ion" / "02_voltage.md" in pages
    assert root / "teacher_guides" / "h04_lithium_ion.md" in pages
    assert all(p.is_file() for p in pages)


def test_a_stale_page_loses_its_outputs_even_when_cached_from_another_checkout(book):
    """The cache matches a page by its code, whatever path it was cached under (a cache
    copied from another checkout, a moved repository): invalidating must drop that record."""
    root, chem, plain = book
    pages = [chem, plain]
    page_cache.invalidate(root, pages)
    cache = get_cache(str(root / page_cache.CACHE_DIR))
    for page in pages:  # cached under another checkout's path
        other = str(page).replace(str(root), "/elsewhere/checkout")
        cache.cache_notebook_bundle(
            CacheBundleIn(page_cache.read_page(page), other), check_validity=False
        )
    assert page_cache.invalidate(root, pages) == []
    _write(root / "src" / "denchi" / "chem" / "__init__.py", "E0 = 1.3\n")
    assert page_cache.invalidate(root, pages) == [chem]
    assert [p.name for p in page_cache.uncached(root, pages)] == ["chem.md"]
