"""Which book pages must run again, and running them in parallel into the execution cache.

jupyter-cache keys a page's outputs on the page's own code only. A page must also run again
when something it calls changes: the part of ``denchi`` it imports (with what that imports in
turn), the data files those parts read, or the locked versions. Each page gets a fingerprint
of exactly those inputs; a page whose fingerprint changed loses its cached outputs, and the
others keep theirs, so an edit to the LMS code re-runs no page and an edit to ``denchi.chem``
re-runs only the pages that use it.

Pages that need running are executed before Sphinx reads them, several at a time, by the same
reader, executor and cache that MyST-NB uses, each in a kernel forked from a process that has
the pages' imports loaded (:mod:`denchi.page_kernels`); Sphinx then finds their outputs in the
cache. A page that fails here is simply not cached: Sphinx runs it again, in a kernel of its
own, and reports the error.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

CACHE_DIR = Path("_build", ".jupyter_cache")
FINGERPRINTS = Path("_build", "page_fingerprints.json")
# inputs of every page: the versions of everything installed
ALWAYS = (Path("uv.lock"),)
# files outside src/ that a part of denchi reads when a page calls it
DATA_READ_BY = {
    "catalog": (Path("book", "curriculum.yml"),),
    "grading": (Path("assessments", "source"), Path("assessments", "wrong_answers")),
}
TIMEOUT_S = 600  # as book/_config.yml's execute.timeout


def denchi_imports(source: str) -> set[str]:
    """Top-level parts of ``denchi`` (``labs``, ``chem``, ``catalog`` …) that code imports.

    IPython lines (``%matplotlib``, ``!pip``) are ignored; code that does not parse imports
    nothing as far as this function can tell, so such a page depends on the lock file only.
    """
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "denchi":
                names.update(f"denchi.{alias.name}" for alias in node.names)
    return {n.split(".")[1] for n in names if n.startswith("denchi.")}


def _part_files(src: Path, part: str) -> list[Path]:
    folder = src / part
    if folder.is_dir():
        return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return [src / f"{part}.py"] if (src / f"{part}.py").is_file() else []


def part_closure(src: Path, parts: Iterable[str]) -> set[str]:
    """The parts of denchi that ``parts`` import, directly or through others (inclusive)."""
    found: set[str] = set()
    todo = [p for p in parts if _part_files(src, p)]
    while todo:
        part = todo.pop()
        if part in found:
            continue
        found.add(part)
        for path in _part_files(src, part):
            if path.suffix == ".py":
                todo.extend(denchi_imports(path.read_text(encoding="utf-8")) - found)
    return found | {"__init__"}


def _digest(root: Path, paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(file.read_bytes() if file.is_file() else b"(missing)")
    return digest.hexdigest()


def page_inputs(root: Path, code: str) -> list[Path]:
    """Every file whose change can change the outputs of a page with this ``code``."""
    src = root / "src" / "denchi"
    parts = sorted(part_closure(src, denchi_imports(code)))
    inputs = [root / p for p in ALWAYS]
    for part in parts:
        inputs += _part_files(src, part)
        inputs += [root / p for p in DATA_READ_BY.get(part, ())]
    return inputs


def read_page(path: Path) -> Any:
    """The page as MyST-NB reads it for the book (the same cells, so the same cache key)."""
    from myst_nb.core.read import myst_nb_reader_plugin

    return myst_nb_reader_plugin(str(path))


def _code(nb: Any) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")


def invalidate(root: Path, pages: Iterable[Path]) -> list[Path]:
    """Drop the cached outputs of every page whose inputs changed; returns those pages.

    Also forgets pages that left the book, so a page that comes back runs again."""
    from jupyter_cache import get_cache

    store = root / FINGERPRINTS
    old = json.loads(store.read_text(encoding="utf-8")) if store.is_file() else {}
    new, stale, notebooks = {}, [], {}
    for page in pages:
        key = page.relative_to(root).as_posix()
        notebooks[page] = read_page(page)
        new[key] = _digest(root, page_inputs(root, _code(notebooks[page])))
        if old.get(key) != new[key]:
            stale.append(page)
    cache = get_cache(str(root / CACHE_DIR))
    stale_uris = {str(p) for p in stale}
    for record in cache.list_cache_records():
        if record.uri in stale_uris:  # earlier versions of the page
            cache.remove_cache(record.pk)
    for page in stale:  # the outputs the page's code finds, under whatever path they were cached
        with contextlib.suppress(KeyError):
            cache.remove_cache(cache.match_cache_notebook(notebooks[page]).pk)
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(new, indent=1, sort_keys=True), encoding="utf-8")
    return stale


def execute_page(path: str, forked: bool = True) -> tuple[str, Any, float, str]:
    """Run one page as MyST-NB would (in its folder); returns (path, notebook, seconds, error).

    Args:
        path: The page's file.
        forked: Its kernel a copy of this process's server of the pages' imports
            (:mod:`denchi.page_kernels`), as the build runs it; ``False``: a new kernel, as
            MyST-NB starts one (``benchmarks/page_kernels.py`` compares the two).
    """
    from jupyter_cache.executors.utils import single_nb_execution

    from denchi.page_kernels import PageKernelManager

    nb = read_page(Path(path))
    result = single_nb_execution(
        nb,
        cwd=str(Path(path).parent),
        allow_errors=False,
        timeout=TIMEOUT_S,
        meta_override=True,
        **({"kernel_manager_class": PageKernelManager} if forked else {}),
    )
    error = "" if result.err is None else f"{type(result.err).__name__}: {result.err}"
    return path, nb, result.time, error


def uncached(root: Path, pages: Iterable[Path]) -> Iterator[Path]:
    """Notebook pages whose current code has no outputs in the cache (MyST-NB runs every page
    with a kernelspec, even one without code)."""
    from jupyter_cache import get_cache

    cache = get_cache(str(root / CACHE_DIR))
    for page in pages:
        nb = read_page(page)
        if "kernelspec" not in nb.metadata:
            continue
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            yield page


def execute(root: Path, pages: list[Path], workers: int) -> dict[str, str]:
    """Execute ``pages`` on ``workers`` processes and cache their outputs.

    Returns the pages that failed, with the error (they are left to Sphinx, which reports
    them). Results are written to the cache by this process alone."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(root / CACHE_DIR))
    failed: dict[str, str] = {}
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path, nb, seconds, error in pool.map(execute_page, [str(p) for p in pages]):
            name = Path(path).relative_to(root).as_posix()
            if error:
                failed[name] = error
                print(f"denchi.book: {name} failed here ({error}); Sphinx runs it again")
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, path, data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
            print(f"denchi.book: executed {name} in {seconds:.1f} s", flush=True)
    took = time.perf_counter() - start
    print(f"denchi.book: {len(pages)} pages executed on {workers} workers in {took:.0f} s")
    return failed


def default_workers() -> int:
    """As many page executions at once as there are cores (``$DENCHI_BOOK_WORKERS`` overrides)."""
    return max(1, int(os.environ.get("DENCHI_BOOK_WORKERS", os.cpu_count() or 1)))
