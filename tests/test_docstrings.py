"""Public docstrings name the errors that can escape (codebase issue: "docstrings give shapes,
units, the errors raised and the source of each model or formula").

The rule is checked on the source, without importing PyBaMM or ipywidgets: a public function,
method or class (``async def`` ones included) *can raise* an exception class ``E`` if its body
(not counting nested functions, which run later) has ``raise E(...)``, or calls a ``denchi``
function or method that can raise ``E``, unless ``CANNOT_RAISE`` says with a reason that the
callee never lets ``E`` out (then its callers do not get ``E`` through it either). Calls are
resolved by name: module-level functions, names imported from other ``denchi`` modules, and
``self.method(...)``. A class can raise what its ``__init__`` or ``__post_init__`` can raise.
``raise helper(...)``, where ``helper`` is a ``denchi`` function that *returns* an exception
(``def _refuse(...) -> LaunchError``), raises the class named in the helper's return annotation,
or else the class its ``return X(...)`` statements build; ``raise name`` of a variable bound to
a call (``refusal := helper(...)``) counts as raising that call. A module-level alias of a class
(``LabInputError = InputError``) is the class it names. Every such ``E`` (or an alias of it)
must be named in a ``Raises:`` section of the docstring (Google style, as napoleon renders it),
e.g. ``denchi.errors.InputError: ...``. Every argument of a public function has an ``Args:``
entry (where its unit and range go), and every public module starts with a purpose line.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "denchi"
# the modules whose public docstrings this test holds to the rule
CHECKED = (
    "denchi.chem",
    "denchi.sustain",
    "denchi.factory",
    "denchi.careers",
    "denchi.catalog",
    "denchi.validation",
    "denchi.errors",
    "denchi.i18n",
    "denchi.plotting",
    "denchi.telemetry",
    "denchi.labs",
    "denchi.grading",
    "denchi.lms",
)
# Modules under CHECKED that the rule leaves out, and why.
NOT_CHECKED = {
    "denchi.lms.migrations.versions": "Alembic revision scripts: upgrade() and downgrade() are "
    "Alembic's hooks, the module docstring says what the revision changes, and a released "
    "revision is never edited (docs/CONTRIBUTING.md)",
}


@dataclass
class Callable:
    """One function, method or class found in the source."""

    module: str
    qualname: str
    node: ast.AST
    docstring: str | None
    raises: set[str] = field(default_factory=set)  # exception names raised in its own body
    calls: set[tuple[str, str]] = field(default_factory=set)  # (module, qualname) it calls
    # ``raise helper(...)`` in its own body: (name as written, where the name resolves to)
    raised_calls: set[tuple[str, tuple[str, str] | None]] = field(default_factory=set)
    # for an error helper: what its return annotation names, and the calls it returns
    returns_annotation: str | None = None
    returned_calls: set[tuple[str, tuple[str, str] | None]] = field(default_factory=set)

    @property
    def public(self) -> bool:
        return not any(part.startswith("_") for part in self.qualname.split("."))


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef)


def _own_nodes(body: list[ast.stmt]):
    """Every node of ``body`` except those inside nested functions and classes."""
    nested = (*FUNCTION, ast.ClassDef, ast.Lambda)
    stack: list[ast.AST] = [node for node in body if not isinstance(node, nested)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, nested))


def _bound_calls(body: list[ast.stmt]) -> dict[str, ast.Call]:
    """Variables of a function's own body bound to a call (``x = f()``, ``(x := f())``)."""
    bound: dict[str, ast.Call] = {}
    for node in _own_nodes(body):
        if isinstance(node, ast.NamedExpr | ast.Assign) and isinstance(node.value, ast.Call):
            targets = [node.target] if isinstance(node, ast.NamedExpr) else node.targets
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                bound[targets[0].id] = node.value
    return bound


def _exception_name(exc: ast.expr | None) -> str | None:
    target = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None  # a bare ``raise`` re-raises what was caught


def _annotation_name(annotation: ast.expr | None) -> str | None:
    """The class a return annotation names (``LaunchError``, ``errors.LaunchError``, quoted)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value.rsplit(".", 1)[-1] or None
    if isinstance(annotation, ast.Name | ast.Attribute):
        return _exception_name(annotation)
    return None  # e.g. ``A | B`` or ``None``: fall back to the return statements


def _scan(source: str, module: str, found: dict[tuple[str, str], Callable]) -> dict[str, str]:
    """Add the functions, classes and methods of one module's source to ``found``; return its
    module-level aliases (``LabInputError = InputError`` gives ``{"LabInputError": "InputError"}``).
    """
    tree = ast.parse(source)
    aliases = {
        node.targets[0].id: name
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Name | ast.Attribute)
        and (name := _exception_name(node.value))
        and name[:1].isupper()
    }
    imported: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("denchi"):
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module or "", alias.name)

    def resolve(call: ast.Call, cls: str | None) -> tuple[str, str] | None:
        func = call.func
        if isinstance(func, ast.Name):
            return imported.get(func.id, (module, func.id))
        if (
            cls is not None
            and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "self"
        ):
            return (module, f"{cls}.{func.attr}")
        return None

    def add(
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, qualname: str, cls: str | None
    ) -> None:
        entry = Callable(module, qualname, node, ast.get_docstring(node))
        if isinstance(node, FUNCTION):
            entry.returns_annotation = _annotation_name(node.returns)
            bound = _bound_calls(node.body)
            for sub in _own_nodes(node.body):
                if isinstance(sub, ast.Raise) and (name := _exception_name(sub.exc)):
                    # ``raise refusal`` of ``refusal := helper(...)`` raises what helper returns
                    exc = bound.get(name, sub.exc) if isinstance(sub.exc, ast.Name) else sub.exc
                    if isinstance(exc, ast.Call) and (name := _exception_name(exc)):
                        entry.raised_calls.add((name, resolve(exc, cls)))
                    else:
                        entry.raises.add(name)
                elif (
                    isinstance(sub, ast.Return)
                    and isinstance(sub.value, ast.Call)
                    and (name := _exception_name(sub.value))
                ):
                    entry.returned_calls.add((name, resolve(sub.value, cls)))
                if isinstance(sub, ast.Call) and (target := resolve(sub, cls)):
                    entry.calls.add(target)
        else:
            entry.calls |= {(module, f"{qualname}.{m}") for m in ("__init__", "__post_init__")}
        found[(module, qualname)] = entry

    for node in tree.body:
        if isinstance(node, FUNCTION):
            add(node, node.name, None)
        elif isinstance(node, ast.ClassDef):
            add(node, node.name, None)
            for item in node.body:
                if isinstance(item, FUNCTION):
                    add(item, f"{node.name}.{item.name}", node.name)
    return aliases


def _raised_class(
    found: dict[tuple[str, str], Callable],
    name: str,
    target: tuple[str, str] | None,
    seen: frozenset[tuple[str, str]] = frozenset(),
) -> set[str]:
    """The exception classes ``raise name(...)`` raises, seeing through error helpers.

    A ``name`` that resolves to a ``denchi`` function (not a class) is a helper returning the
    exception: its return annotation names the class, or else its ``return X(...)`` do.
    """
    helper = found.get(target) if target is not None else None
    if helper is None or not isinstance(helper.node, FUNCTION) or target in seen:
        return {name}
    if helper.returns_annotation:
        return {helper.returns_annotation}
    classes: set[str] = set()
    for returned, where in helper.returned_calls:
        classes |= _raised_class(found, returned, where, seen | {target})
    return classes or {name}


def _resolve_helpers(found: dict[tuple[str, str], Callable]) -> None:
    """Add to each callable's ``raises`` the classes its ``raise name(...)`` statements raise."""
    for entry in found.values():
        for name, target in entry.raised_calls:
            entry.raises |= _raised_class(found, name, target)


def _collect() -> tuple[dict[tuple[str, str], Callable], dict[str, str]]:
    found: dict[tuple[str, str], Callable] = {}
    aliases: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        aliases |= _scan(path.read_text(encoding="utf-8"), _module_name(path), found)
    _resolve_helpers(found)
    return found, aliases


def _can_raise(
    found: dict[tuple[str, str], Callable],
    cannot: dict[tuple[str, str], set[str]] | None = None,
    aliases: dict[str, str] | None = None,
) -> dict[tuple[str, str], set[str]]:
    """Fixed point: what each callable raises itself or through the callables it calls.

    ``cannot``: classes a callable is known not to let out (``CANNOT_RAISE``; an alias read
    as its class through ``aliases``), so that its callers do not get them through it either.
    """
    cannot, aliases = cannot or {}, aliases or {}

    def let_out(key: tuple[str, str], names: set[str]) -> set[str]:
        return {n for n in names if aliases.get(n, n) not in cannot.get(key, set())}

    result = {key: let_out(key, set(c.raises)) for key, c in found.items()}
    changed = True
    while changed:
        changed = False
        for key, c in found.items():
            for target in c.calls:
                extra = let_out(key, result.get(target, set()) - result[key])
                if extra:
                    result[key] |= extra
                    changed = True
    return result


_SECTION = re.compile(r"^(\w[\w ]*):\s*$")
_ENTRY = re.compile(r"^\s+~?([\w.]+)\s*:")


def raises_section(docstring: str | None) -> set[str]:
    """Exception names listed in the ``Raises:`` section of a Google-style docstring."""
    names: set[str] = set()
    inside = False
    for line in (docstring or "").splitlines():
        if section := _SECTION.match(line):
            inside = section.group(1) == "Raises"
            continue
        if inside and line.strip() and not line.startswith((" ", "\t")):
            inside = False
        if inside and (entry := _ENTRY.match(line)):
            names.add(entry.group(1).rsplit(".", 1)[-1])
    return names


# Where the name-based rule over-reaches, the reason why the callable cannot raise.
# Each entry: (the exception class, or a tuple of classes, it cannot raise, an alias read as its
# class; the reason).
CANNOT_RAISE: dict[tuple[str, str], tuple[str | tuple[str, ...], str]] = {
    ("denchi.lms.webform", "read_form"): (
        "AnswerError",
        "read_answer's AnswerError is caught there and kept, per field, in FormAnswers.errors",
    ),
    ("denchi.lms.runtime", "courseware_catalog"): (
        "CatalogError",
        "repo_root's and load_catalog's CatalogError is caught there, as a ConfigError",
    ),
    ("denchi.lms.runtime", "data_folder"): (
        "OutsideDataDir",
        "inside's OutsideDataDir is caught there, as a ConfigError",
    ),
    ("denchi.grading.forkserver", "serve"): (
        "EOFError",
        "_read_line's EOFError (the client closed stdin) ends the loop; the child's reads are "
        "inside _child, which catches everything and exits",
    ),
    ("denchi.grading.forkserver", "shared"): (
        "ForkServerError",
        "a server that does not start is caught and counted; shared() then returns None",
    ),
    ("denchi.factory.process_map", "step_table_markdown"): (
        "InputError",
        "calls steps() with no area",
    ),
    ("denchi.factory.widgets", "process_map_explorer"): (
        "InputError",
        "calls steps() with no area; step() runs only in the widget callback, on a key from "
        "the dropdown",
    ),
    ("denchi.labs.api.widgets", "practicum_explorer"): (
        "InputError",
        "calls practicum_cell() with its defaults, which pass every check; the sliders' "
        "practicum_cell() runs only in the widget callback",
    ),
    ("denchi.grading.capture", "restore"): (
        "TypeError",
        "raised inside its try block and caught there, as a ValueError",
    ),
    ("denchi.grading.late", "parse_due"): (
        "ValueError",
        "raised inside its try block and caught there, as a GradingError",
    ),
    ("denchi.labs.datasets.evaluation", "cooling_area_m2"): (
        "InputError",
        "get_preset(PRESET) with the module's fixed preset, which exists",
    ),
    ("denchi.labs.datasets.evaluation", "cell_ocv"): (
        "InputError",
        "Cell(PRESET).ocv() with the module's fixed preset and the default points",
    ),
    ("denchi.lms.grader", "Grader.notebook_names"): (
        "KeyError",
        "calls self.assignment() only with an id already in self.assignments, which "
        "catalog_id() then finds",
    ),
    ("denchi.lms.schema", "prepare_schema"): (
        ("DatabaseError", "OutsideDataDir"),
        "backup_sqlite() runs inside _backup_or_refuse()'s try block, which turns its "
        "sqlite3 errors into SchemaError; the backup's name is new (a time to the "
        "microsecond) and has no '/', so it stays in data_dir",
    ),
    ("denchi.lms.outbox", "deliver_due"): (
        "ServiceError",
        "_deliver() runs in a try block that catches every Exception and records it on the row",
    ),
    ("denchi.lms.grader", "Grader.warm"): (
        ("GradingError", "KeyError", "ModuleNotFoundError", "OutsideDataDir"),
        "questions() runs in a try block that catches every Exception and logs it",
    ),
    ("denchi.lms.grader", "Grader.questions"): (
        "ModuleNotFoundError",
        "_code_fingerprint() asks fingerprint() for the package denchi, which is importable: "
        "it is the code running",
    ),
    ("denchi.grading.quiz", "main"): (
        "GradingError",
        "assignment_questions() runs in a try block that catches GradingError and writes it",
    ),
    ("denchi.lms.book_site", "teacher_book_file"): (
        "OutsideDataDir",
        "inside() runs in a try block that turns a ValueError (OutsideDataDir is one) into "
        "the PageError 'path'",
    ),
    ("denchi.lms.book_site", "teacher_book_link"): (
        "OutsideDataDir",
        "inside() runs in a try block that catches ValueError (OutsideDataDir is one) and "
        "keeps the edition's start as the link",
    ),
    ("denchi.lms.cli", "run"): (
        (
            "CartridgeError",
            "CatalogError",
            "ConfigError",
            "GradingError",
            "RegistrationError",
            "SchemaError",
            "ToolStateError",
        ),
        "each is caught where it can arise and printed, and run() returns 2 (SchemaError is a "
        "ToolStateError)",
    ),
    ("denchi.labs.datasets.cell_design", "evaluate_design"): (
        ("InputError", "LabSimulationError"),
        "a design that design_cell refuses or cannot simulate becomes a verdict that does not "
        "meet the rule (the contest table lists it with the reason)",
    ),
}


def _cannot(name: str | tuple[str, ...]) -> set[str]:
    """The class names one entry of ``CANNOT_RAISE`` holds (one name or a tuple of them)."""
    return {name} if isinstance(name, str) else set(name)


FOUND, ALIASES = _collect()
CAN_RAISE = _can_raise(
    FOUND, {key: _cannot(name) for key, (name, _) in CANNOT_RAISE.items()}, ALIASES
)


def documented_raises(key: tuple[str, str]) -> set[str]:
    """The classes the ``Raises:`` section of ``key`` names, an alias read as its class."""
    return {ALIASES.get(name, name) for name in raises_section(FOUND[key].docstring)}


def can_raise(key: tuple[str, str]) -> set[str]:
    """The classes ``key`` can raise, an alias read as its class."""
    return {ALIASES.get(name, name) for name in CAN_RAISE[key]}


CHECKED_CALLABLES = sorted(
    (
        key
        for key, c in FOUND.items()
        if c.public and key[0].startswith(CHECKED) and not key[0].startswith(tuple(NOT_CHECKED))
    ),
    key=lambda key: f"{key[0]}.{key[1]}",
)


def test_exceptions_to_the_rule_are_still_needed() -> None:
    """Each entry of ``CANNOT_RAISE`` is one the rule flags, so the list cannot go stale."""
    flagged = _can_raise(FOUND)
    for key, (name, reason) in CANNOT_RAISE.items():
        assert key in FOUND, f"{key} no longer exists"
        flagged_names = {ALIASES.get(n, n) for n in flagged[key]}
        stale = _cannot(name) - flagged_names
        assert not stale, (
            f"{key} is no longer flagged for {sorted(stale)}; drop it from CANNOT_RAISE ({reason})"
        )


def _ids(keys: list[tuple[str, str]]) -> list[str]:
    return [f"{module}.{qualname}" for module, qualname in keys]


def test_the_rule_sees_known_cases() -> None:
    """The analysis finds what a reader sees in the code (so an empty check cannot pass)."""
    assert "InputError" in CAN_RAISE[("denchi.validation", "number_in_range")]
    # through a call into another module
    assert "InputError" in CAN_RAISE[("denchi.chem.nernst", "cell_voltage")]
    # through self.method()
    assert "KeyError" in CAN_RAISE[("denchi.catalog", "Catalog.entry_page")]
    # a dataclass checking its fields in __post_init__
    assert "InputError" in CAN_RAISE[("denchi.sustain.recycling", "Stage")]
    # nested functions run later (widget callbacks) and do not count: storage_explorer's
    # draw calls size_storage, which raises InputError
    assert "InputError" in CAN_RAISE[("denchi.sustain.solar", "size_storage")]
    assert "InputError" not in CAN_RAISE[("denchi.sustain.widgets", "storage_explorer")]
    assert raises_section("Do.\n\nRaises:\n    denchi.errors.InputError: If bad.\n") == {
        "InputError"
    }
    assert not raises_section("Do.\n\nReturns:\n    InputError: not a raise.\n")
    input_error_callables = [k for k in CHECKED_CALLABLES if "InputError" in can_raise(k)]
    assert len(input_error_callables) >= 30


def test_the_rule_sees_through_error_helpers() -> None:
    """``raise helper(...)`` counts as raising the exception class the helper returns."""
    found: dict[tuple[str, str], Callable] = {}
    _scan(
        "class BadError(Exception):\n    pass\n",
        "denchi.fake_errors",
        found,
    )
    _scan(
        "from denchi.fake_errors import BadError\n"
        "def _annotated(x) -> BadError:\n    return BadError(x)\n"
        "def _quoted(x) -> 'BadError':\n    return BadError(x)\n"
        "def _plain(x):\n    return BadError(x)\n"
        "def _chained(x):\n    return _plain(x)\n"
        "def use_annotated():\n    raise _annotated(1)\n"
        "def use_quoted():\n    raise _quoted(1)\n"
        "def use_plain():\n    raise _plain(1)\n"
        "def use_chained():\n    raise _chained(1) from None\n"
        "def use_class():\n    raise BadError(1)\n"
        "def use_builtin():\n    raise ValueError(1)\n"
        "def use_named(x):\n    if (refusal := _plain(x)) is not None:\n        raise refusal\n"
        "def use_assigned(x):\n    error = _annotated(x)\n    raise error\n"
        "class Tool:\n"
        "    def _fail(self) -> BadError:\n        return BadError(2)\n"
        "    def run(self):\n        raise self._fail()\n",
        "denchi.fake",
        found,
    )
    _resolve_helpers(found)
    can = _can_raise(found)
    assert _scan("from denchi.errors import InputError\nLabInputError = InputError\n", "m", {}) == {
        "LabInputError": "InputError"
    }
    assert ALIASES["LabInputError"] == "InputError"
    users = ("use_annotated", "use_quoted", "use_plain", "use_chained", "use_class")
    # ``raise name`` of a variable holding what a helper returned
    for user in (*users, "use_named", "use_assigned"):
        assert can[("denchi.fake", user)] == {"BadError"}, user
    assert can[("denchi.fake", "Tool.run")] == {"BadError"}
    assert can[("denchi.fake", "use_builtin")] == {"ValueError"}
    # and on the real code: lti.py raises ``_refuse(...)``, which returns a LaunchError
    assert "_refuse" not in set().union(*CAN_RAISE.values())
    assert "LaunchError" in CAN_RAISE[("denchi.lms.lti", "validate_id_token")]


def test_what_a_callable_cannot_raise_does_not_reach_its_callers() -> None:
    """An entry of ``CANNOT_RAISE`` (an error caught inside) holds for the callers too."""
    found: dict[tuple[str, str], Callable] = {}
    _scan(
        "def inner():\n    raise KeyError(1)\n"
        "def middle():\n    try:\n        inner()\n    except KeyError:\n        pass\n"
        "def outer():\n    middle()\n"
        "def other():\n    inner()\n",
        "denchi.fake",
        found,
    )
    _resolve_helpers(found)
    can = _can_raise(found, {("denchi.fake", "middle"): {"KeyError"}})
    assert can[("denchi.fake", "middle")] == set()
    assert can[("denchi.fake", "outer")] == set()
    assert can[("denchi.fake", "other")] == {"KeyError"}
    # and on the real code: Runtime starts through prepare_schema, which turns the SQLite
    # backup's errors into SchemaError
    assert "DatabaseError" not in can_raise(("denchi.lms.runtime", "Runtime"))
    assert "SchemaError" in can_raise(("denchi.lms.runtime", "Runtime"))


def test_the_rule_sees_async_functions() -> None:
    """``async def`` functions and methods (the tool's routes, the queue) are held to the rule."""
    found: dict[tuple[str, str], Callable] = {}
    _scan(
        "def _check(x):\n    raise ValueError(x)\n"
        "async def handle(request):\n    _check(request)\n"
        "class Queue:\n"
        "    async def _fail(self):\n        raise KeyError(1)\n"
        "    async def drain(self, limit):\n        await self._fail()\n",
        "denchi.fake",
        found,
    )
    _resolve_helpers(found)
    can = _can_raise(found)
    assert can[("denchi.fake", "handle")] == {"ValueError"}
    assert can[("denchi.fake", "Queue.drain")] == {"KeyError"}
    assert _params(found[("denchi.fake", "Queue.drain")].node) == {"limit"}
    # and on the real code: an upload route of the learner's page
    assert ("denchi.lms.pages", "submit") in CHECKED_CALLABLES


@pytest.mark.parametrize(
    "key",
    [k for k in CHECKED_CALLABLES if "InputError" in can_raise(k)],
    ids=_ids([k for k in CHECKED_CALLABLES if "InputError" in can_raise(k)]),
)
def test_docstring_names_input_error(key: tuple[str, str]) -> None:
    """A public callable that can raise ``InputError`` says so in ``Raises:``."""
    documented = documented_raises(key)
    assert "InputError" in documented, (
        f"{key[0]}.{key[1]} can raise InputError (it calls a denchi.validation helper or "
        f"raises it) but its docstring has no 'Raises:' entry for it (found {documented})"
    )


@pytest.mark.parametrize("key", CHECKED_CALLABLES, ids=_ids(CHECKED_CALLABLES))
def test_docstring_names_every_raised_error(key: tuple[str, str]) -> None:
    """Every exception class raised in the callable or in what it calls is in ``Raises:``."""
    missing = can_raise(key) - documented_raises(key)
    assert not missing, f"{key[0]}.{key[1]}: 'Raises:' does not name {sorted(missing)}"


@pytest.mark.parametrize("key", CHECKED_CALLABLES, ids=_ids(CHECKED_CALLABLES))
def test_public_callable_has_a_docstring(key: tuple[str, str]) -> None:
    """Every public function, method and class has a docstring to hold units and sources."""
    assert FOUND[key].docstring, f"{key[0]}.{key[1]} has no docstring"


def _section_entries(docstring: str | None, title: str) -> set[str]:
    names: set[str] = set()
    inside = False
    for line in (docstring or "").splitlines():
        if section := _SECTION.match(line):
            inside = section.group(1) == title
            continue
        if inside and line.strip() and not line.startswith((" ", "\t")):
            inside = False
        if inside and (entry := re.match(r"^\s+\*{0,2}(\w+)\s*(\(.*\))?:", line)):
            names.add(entry.group(1))
    return names


def _params(node: ast.AST) -> set[str]:
    """Names of a function's arguments, without ``self`` and a classmethod's ``cls``; nothing
    for a class."""
    if not isinstance(node, FUNCTION):
        return set()
    names = [a.arg for a in node.args.args]
    if any(isinstance(d, ast.Name) and d.id == "classmethod" for d in node.decorator_list):
        names = names[1:]
    return set(names + [a.arg for a in node.args.kwonlyargs]) - {"self"}


def _module_docstrings() -> dict[str, str | None]:
    """The docstring of every public module under ``CHECKED`` (a package by its ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        public = not any(part.startswith("_") for part in module.split("."))
        if public and module.startswith(CHECKED) and not module.startswith(tuple(NOT_CHECKED)):
            found[module] = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULE_DOCSTRINGS = _module_docstrings()


def test_the_rule_sees_every_public_module() -> None:
    """Packages count by their ``__init__``; private modules are left out."""
    assert "denchi.lms" in MODULE_DOCSTRINGS
    assert "denchi.lms.web" in MODULE_DOCSTRINGS
    assert "denchi.labs.engine" in MODULE_DOCSTRINGS
    assert not [m for m in MODULE_DOCSTRINGS if "._" in m]


@pytest.mark.parametrize("module", sorted(MODULE_DOCSTRINGS))
def test_public_module_has_a_purpose_line(module: str) -> None:
    """Every public module starts with a docstring whose first line says what it is for."""
    docstring = MODULE_DOCSTRINGS[module]
    assert docstring and docstring.splitlines()[0].strip(), f"{module} has no purpose line"


FUNCTIONS_WITH_ARGS = [k for k in CHECKED_CALLABLES if _params(FOUND[k].node)]


@pytest.mark.parametrize("key", FUNCTIONS_WITH_ARGS, ids=_ids(FUNCTIONS_WITH_ARGS))
def test_docstring_describes_every_argument(key: tuple[str, str]) -> None:
    """Each argument has an ``Args:`` entry, where its unit and range are written."""
    missing = _params(FOUND[key].node) - _section_entries(FOUND[key].docstring, "Args")
    assert not missing, f"{key[0]}.{key[1]}: 'Args:' does not describe {sorted(missing)}"
