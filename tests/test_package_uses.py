"""Every public function of the installed package serves the product, not only the tests.

A helper that only ``tests/`` or ``benchmarks/`` call (handing in work, reading a gradebook,
building a course) belongs in ``tests/`` (``docs/CONTRIBUTING.md``, "Where a test goes"): in
the package it ships to every school, is documented as API, and hides that nothing else needs
it. This scan reads the names the product uses, by parsing (``ast``) the package, ``dev.py``,
the course's ``nbgrader_config.py`` and the book's extensions, and the code cells of the pages
learners and teachers run (``modules/``, ``labs/``, ``teacher_guides/``, ``assessments/``,
``book/``), plus the documented entry points (``[project.scripts]`` of ``pyproject.toml``, the
``auto*`` directives of ``book/reference/``). A function a framework calls because a decorator
registered it (``@router.get(...)``, ``@app.task(...)``: FastAPI's path operations,
procrastinate's tasks) is used. A module-level function whose name none of them uses, other
than its own definition, fails.

Names in Python are taken as Python resolves them (see :func:`_names_used_in_python`); in the
pages' code cells and in strings they are matched as names, so a test-only function that shares
its name with one a page or a string uses is not found (the scan never flags a used function).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "denchi"
PRODUCT_PYTHON = [ROOT / "dev.py", ROOT / "assessments" / "nbgrader_config.py"]
PAGE_FOLDERS = ["modules", "labs", "teacher_guides", "assessments", "book"]
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)
AUTODOC = re.compile(r"^\.\. auto(function|module|class)::\s*([\w.]+)", re.M)
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
DOTTED = re.compile(r"[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)+")
CALLED = re.compile(r"([A-Za-z_]\w*)\(")

# Public functions the product does not call but learners or teachers do, by hand (in a
# notebook or a shell), with where that use is documented. Keep it short: each entry is API
# that a page or the operator docs promise.
ALLOWED: dict[str, str] = {
    "answered_text": "assignment authors' visible check (docs/CONTRIBUTING.md, 'Add an "
    "assignment'); no assignment asks for text yet",
    "keywords": "assignment authors' graded check of a text answer (docs/CONTRIBUTING.md, 'Add "
    "an assignment'); no assignment grades text yet",
    "new_revision": "contributors write an Alembic revision with it (docs/CONTRIBUTING.md, "
    "'Change the LMS tool's database')",
    "downgrade": "Alembic calls upgrade() and downgrade() of every revision by name (Alembic "
    "tutorial, 'Create a Migration Script')",
    "set_language": "a learner switches plot labels to English in a notebook (the docstring of "
    "denchi.i18n; DENCHI_LANG does the same for a whole server)",
}
# decorators that register a function with a framework, which then calls it: FastAPI's
# ``@app.get(...)``/``@router.post(...)``, ``@app.exception_handler(...)``, procrastinate's
# ``@app.task(...)``/``@app.periodic(...)``
REGISTRARS = frozenset({"app", "router"})


def _python_files() -> Iterator[Path]:
    yield from sorted(PACKAGE.rglob("*.py"))
    yield from PRODUCT_PYTHON
    yield from sorted((ROOT / "book" / "_ext").glob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (prose about names, not uses)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _imported_names(tree: ast.AST) -> set[str]:
    """The names a file binds by importing (``import a.b`` binds ``a``, ``from a import b as
    c`` binds ``c``)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            bound |= {a.asname or a.name for a in node.names}
    return bound


def _chain_root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _names_used_in_python(source: str) -> set[str]:
    """Names a piece of Python reads, imports, or spells in a (non-docstring) string: a string
    may be code (a page template of the scaffold, a dotted path a configuration loads). As
    Python resolves them: a bare name counts in the module that defines it (anywhere else it
    is imported, and the import counts), an attribute only on an imported name
    (``course.scores(...)``, not ``gb.max_score``); a local variable or another object's
    attribute of the same name is no use of the function."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    imported = _imported_names(tree)
    own = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in own:  # elsewhere it was imported by name
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            if _chain_root(node.value) in imported:
                used.add(node.attr)
        elif isinstance(node, ast.alias):
            used.update(node.name.split("."))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            used |= _names_in_string(node.value)
    return used


def _names_in_string(text: str) -> set[str]:
    """A string that is a dotted path (``"denchi.cli:main"``, ``"denchi.labs.api.design"``)
    names all its parts; in other text (a code template, a message) only a name that is
    called counts (``answer_key_markdown("h02")``, not a URL's ``/submit`` nor a dictionary
    key ``"max_score"``)."""
    if DOTTED.fullmatch(text):
        return set(IDENTIFIER.findall(text))
    return set(CALLED.findall(text))


def _page_code(path: Path) -> Iterator[str]:
    """The code cells of a page: a MyST Markdown notebook's ``{code-cell}`` blocks or a
    notebook's code cells."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        yield from (c.source for c in nb.cells if c.cell_type == "code")
    else:
        yield from CODE_CELL.findall(path.read_text(encoding="utf-8"))


def _registered(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a decorator hands the function to a framework (``@router.get("/x")``)."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
            owner = decorator.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name in REGISTRARS:
                return True
    return False


@functools.cache
def _public_functions() -> dict[str, list[str]]:
    """Name -> the modules (dotted) that define a public module-level function of that name
    (functions a decorator registers with a framework left out: the framework calls them)."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            function = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if function and not node.name.startswith("_") and not _registered(node):
                found.setdefault(node.name, []).append(module)
    return found


@functools.cache
def _names_the_product_uses() -> frozenset[str]:
    public = _public_functions()
    used: set[str] = set()
    for path in _python_files():
        used |= _names_used_in_python(path.read_text(encoding="utf-8"))
    for folder in PAGE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".md", ".ipynb") and "_build" not in path.parts:
                for code in _page_code(path):
                    used |= set(IDENTIFIER.findall(code))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    scripts = pyproject.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    used |= set(IDENTIFIER.findall(scripts))
    for page in sorted((ROOT / "book" / "reference").rglob("*.md")):
        for kind, target in AUTODOC.findall(page.read_text(encoding="utf-8")):
            used.add(target.rsplit(".", 1)[-1])
            if kind == "module":  # every public function of a documented module
                used |= {name for name, modules in public.items() if target in modules}
    return frozenset(used)


def test_the_scan_sees_what_the_product_uses():
    """The scan itself: a function a page calls, one the CLI calls and one only a docstring
    names are told apart (so the test below can fail and can pass)."""
    used = _names_used_in_python(
        '"""Call :func:`only_named`."""\nimport a.b\nx = a.b.called(1)\ny = x.other_attr\n'
        'z = ["a.b:in_path", "f\'{t}\' = templated(1)", "/url/submit"]\nscores = local(x)\n'
        "def mine(): return scores\nhandler = mine"
    )
    assert {"called", "a", "b", "in_path", "templated", "mine"} <= used
    assert not {"only_named", "other_attr", "submit", "url", "scores", "local"} & used
    public = _public_functions()
    assert "answer_key_markdown" in public  # a teacher guide's code cell calls it
    assert "download_all" not in public  # a route: FastAPI calls it
    product = _names_the_product_uses()
    assert {"answer_key_markdown", "main", "design_cell"} <= product


def test_no_public_function_of_the_package_is_used_only_by_tests():
    public = _public_functions()
    used = _names_the_product_uses()
    unused = {
        name: modules
        for name, modules in public.items()
        if name not in used and name not in ALLOWED
    }
    assert not unused, (
        "These public functions of src/denchi are used only by tests/ or benchmarks/ (or by "
        "nothing). Move a test helper to tests/ (tests/grading_support.py, tests/lms/), make an "
        "internal one private (_name), delete a dead one, or, if learners or teachers call it "
        "by hand, add it to ALLOWED with where that use is documented: "
        + ", ".join(f"{modules[0]}.{name}" for name, modules in sorted(unused.items()))
    )
