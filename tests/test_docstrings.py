"""Public docstrings name the errors that can escape (codebase issue: "docstrings give shapes,
units, the errors raised and the source of each model or formula").

The rule is checked on the source, without importing PyBaMM or ipywidgets: a public function,
method or class *can raise* an exception class ``E`` if its body (not counting nested functions,
which run later) has ``raise E(...)``, or calls a ``denchi`` function or method that can raise
``E``. Calls are resolved by name: module-level functions, names imported from other
``denchi`` modules, and ``self.method(...)``. A class can raise what its ``__init__`` or
``__post_init__`` can raise. Every such ``E`` must be named in a ``Raises:`` section of the
docstring (Google style, as napoleon renders it), e.g. ``denchi.errors.InputError: ...``.
Every argument of a public function has an ``Args:`` entry (where its unit and range go).
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
)


@dataclass
class Callable:
    """One function, method or class found in the source."""

    module: str
    qualname: str
    node: ast.AST
    docstring: str | None
    raises: set[str] = field(default_factory=set)  # exception names raised in its own body
    calls: set[tuple[str, str]] = field(default_factory=set)  # (module, qualname) it calls

    @property
    def public(self) -> bool:
        return not any(part.startswith("_") for part in self.qualname.split("."))


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _own_nodes(body: list[ast.stmt]):
    """Every node of ``body`` except those inside nested functions and classes."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    stack: list[ast.AST] = [node for node in body if not isinstance(node, nested)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, nested))


def _exception_name(exc: ast.expr | None) -> str | None:
    target = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None  # a bare ``raise`` re-raises what was caught


def _scan(path: Path, found: dict[tuple[str, str], Callable]) -> None:
    """Add the functions, classes and methods of one module to ``found``."""
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
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

    def add(node: ast.FunctionDef | ast.ClassDef, qualname: str, cls: str | None) -> None:
        entry = Callable(module, qualname, node, ast.get_docstring(node))
        if isinstance(node, ast.FunctionDef):
            for sub in _own_nodes(node.body):
                if isinstance(sub, ast.Raise) and (name := _exception_name(sub.exc)):
                    entry.raises.add(name)
                elif isinstance(sub, ast.Call) and (target := resolve(sub, cls)):
                    entry.calls.add(target)
        else:
            entry.calls |= {(module, f"{qualname}.{m}") for m in ("__init__", "__post_init__")}
        found[(module, qualname)] = entry

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            add(node, node.name, None)
        elif isinstance(node, ast.ClassDef):
            add(node, node.name, None)
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    add(item, f"{node.name}.{item.name}", node.name)


def _collect() -> dict[tuple[str, str], Callable]:
    found: dict[tuple[str, str], Callable] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        _scan(path, found)
    return found


def _can_raise(found: dict[tuple[str, str], Callable]) -> dict[tuple[str, str], set[str]]:
    """Fixed point: what each callable raises itself or through the callables it calls."""
    result = {key: set(c.raises) for key, c in found.items()}
    changed = True
    while changed:
        changed = False
        for key, c in found.items():
            for target in c.calls:
                extra = result.get(target, set()) - result[key]
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
CANNOT_RAISE: dict[tuple[str, str], str] = {
    ("denchi.factory.process_map", "step_table_markdown"): "calls steps() with no area",
    ("denchi.factory.widgets", "process_map_explorer"): "calls steps() with no area; step() "
    "runs only in the widget callback, on a key from the dropdown",
}
FOUND = _collect()
CAN_RAISE = _can_raise(FOUND)
for _key in CANNOT_RAISE:
    CAN_RAISE[_key] = set()
CHECKED_CALLABLES = sorted(
    (key for key, c in FOUND.items() if c.public and key[0].startswith(CHECKED)),
    key=lambda key: f"{key[0]}.{key[1]}",
)


def test_exceptions_to_the_rule_are_still_needed() -> None:
    """Each entry of ``CANNOT_RAISE`` is one the rule flags, so the list cannot go stale."""
    flagged = _can_raise(FOUND)
    for key, reason in CANNOT_RAISE.items():
        assert key in FOUND, f"{key} no longer exists"
        assert flagged[key], f"{key} is no longer flagged; drop it from CANNOT_RAISE ({reason})"


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
    # nested functions run later (widget callbacks) and do not count
    assert not CAN_RAISE[("denchi.sustain.widgets", "storage_explorer")]
    assert raises_section("Do.\n\nRaises:\n    denchi.errors.InputError: If bad.\n") == {
        "InputError"
    }
    assert not raises_section("Do.\n\nReturns:\n    InputError: not a raise.\n")
    input_error_callables = [k for k in CHECKED_CALLABLES if "InputError" in CAN_RAISE[k]]
    assert len(input_error_callables) >= 30


@pytest.mark.parametrize(
    "key",
    [k for k in CHECKED_CALLABLES if "InputError" in CAN_RAISE[k]],
    ids=_ids([k for k in CHECKED_CALLABLES if "InputError" in CAN_RAISE[k]]),
)
def test_docstring_names_input_error(key: tuple[str, str]) -> None:
    """A public callable that can raise ``InputError`` says so in ``Raises:``."""
    documented = raises_section(FOUND[key].docstring)
    assert "InputError" in documented, (
        f"{key[0]}.{key[1]} can raise InputError (it calls a denchi.validation helper or "
        f"raises it) but its docstring has no 'Raises:' entry for it (found {documented})"
    )


@pytest.mark.parametrize("key", CHECKED_CALLABLES, ids=_ids(CHECKED_CALLABLES))
def test_docstring_names_every_raised_error(key: tuple[str, str]) -> None:
    """Every exception class raised in the callable or in what it calls is in ``Raises:``."""
    missing = CAN_RAISE[key] - raises_section(FOUND[key].docstring)
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
    """Names of a function's arguments, without ``self``; nothing for a class."""
    if not isinstance(node, ast.FunctionDef):
        return set()
    return {a.arg for a in node.args.args + node.args.kwonlyargs} - {"self"}


FUNCTIONS_WITH_ARGS = [k for k in CHECKED_CALLABLES if _params(FOUND[k].node)]


@pytest.mark.parametrize("key", FUNCTIONS_WITH_ARGS, ids=_ids(FUNCTIONS_WITH_ARGS))
def test_docstring_describes_every_argument(key: tuple[str, str]) -> None:
    """Each argument has an ``Args:`` entry, where its unit and range are written."""
    missing = _params(FOUND[key].node) - _section_entries(FOUND[key].docstring, "Args")
    assert not missing, f"{key[0]}.{key[1]}: 'Args:' does not describe {sorted(missing)}"
