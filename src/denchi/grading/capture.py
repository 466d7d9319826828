"""Answers carried out of a student's kernel as plain data.

Hidden tests never run in the student's kernel (student code could patch ``math``, ``numpy``
or the checks there, or read the hidden test's expected values). Just before each test cell,
the autograder asks the kernel for a :func:`snapshot` of the variables that cell reads; the
full test cell then runs in a clean process against :func:`restore`-d values. Only plain data
crosses: numbers, strings, booleans, ``None``, lists, tuples, dicts with string keys and numeric
numpy arrays and scalars, compared by exact type (a subclass with a fake ``__eq__`` becomes an
:class:`Unsupported` placeholder that every check rejects).
"""

from __future__ import annotations

import ast
import builtins
import json
import sys
from types import ModuleType
from typing import Any, Protocol, TypeGuard

MAX_ITEMS = 200_000  # numbers per snapshot; a bigger answer is not a plausible answer
MAX_DEPTH = 16
_BUILTINS = frozenset(dir(builtins))


class Unsupported:
    """Stands for an answer that is not plain data (or too big); checks reject it."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_ITEMS

    def take(self, n: int = 1) -> bool:
        self.left -= n
        return self.left >= 0


class _DType(Protocol):
    kind: str
    str: str


class NumpyArray(Protocol):
    """What the grader reads of a numpy array. numpy is not imported for it: it is looked up in
    ``sys.modules`` (in the student's kernel, only if the student's code imported it)."""

    dtype: _DType
    size: int
    shape: tuple[int, ...]

    def ravel(self) -> NumpyArray:
        """The array flattened (``numpy.ndarray.ravel``)."""
        ...

    def tolist(self) -> object:
        """The values as nested Python lists (``numpy.ndarray.tolist``)."""
        ...


class _Scalar(Protocol):
    def item(self) -> object: ...


def is_ndarray(value: object, numpy: ModuleType) -> TypeGuard[NumpyArray]:
    """Whether ``value`` is exactly a ``numpy.ndarray`` (no subclass) of the module ``numpy``.

    Args:
        value: Any object.
        numpy: The ``numpy`` module already imported (from ``sys.modules``).
    """
    return type(value) is numpy.ndarray


def _is_scalar(value: object, scalar_types: tuple[type, ...]) -> TypeGuard[_Scalar]:
    return type(value) in scalar_types


def _type_name(value: object) -> str:
    name = type.__getattribute__(type(value), "__name__")
    return name[:60] if type(name) is str else "object"


def _encode(value: object, budget: _Budget, depth: int = 0) -> dict:
    kind = type(value)
    if not budget.take() or depth > MAX_DEPTH:
        return {"t": "unsupported", "type": _type_name(value)}
    if value is None:
        return {"t": "none"}
    if kind in (bool, str, float):
        return {"t": kind.__name__, "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}  # any size, exactly
    # ``type(value) is ...`` rather than ``kind is ...``: the same test, which mypy narrows on
    if type(value) is list or type(value) is tuple:
        return {"t": kind.__name__, "v": [_encode(v, budget, depth + 1) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"t": "dict", "v": {k: _encode(v, budget, depth + 1) for k, v in value.items()}}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if is_ndarray(value, numpy) and value.dtype.kind in "biuf":
            if not budget.take(int(value.size)):
                return {"t": "unsupported", "type": "ndarray (too large)"}
            return {
                "t": "ndarray",
                "dtype": value.dtype.str,
                "shape": list(value.shape),
                "v": value.ravel().tolist(),
            }
        scalar_types = (numpy.bool_, *numpy.sctypeDict.values())
        if _is_scalar(value, scalar_types) and numpy.dtype(kind).kind in "biuf":
            return {"t": "npscalar", "dtype": numpy.dtype(kind).str, "v": value.item()}
    return {"t": "unsupported", "type": _type_name(value)}


def snapshot(names: list[str]) -> str:
    """Runs in the student's kernel: JSON of the named ``__main__`` variables that exist.

    Args:
        names: The variable names a test cell reads.
    """
    namespace = vars(sys.modules["__main__"])
    budget = _Budget()
    encoded = {name: _encode(namespace[name], budget) for name in names if name in namespace}
    return json.dumps(encoded)


def snapshot_expression(names: list[str]) -> str:
    """The expression the autograder evaluates in the kernel (as a ``user_expressions`` entry).

    Args:
        names: The variable names a test cell reads.
    """
    return f"__import__('denchi.grading.capture', fromlist=['snapshot']).snapshot({names!r})"


def _decode(item: dict) -> Any:
    kind = item["t"]
    if kind == "none":
        return None
    if kind in ("bool", "str"):
        return item["v"]
    if kind == "float":
        return float(item["v"])
    if kind == "int":
        return int(item["v"])
    if kind in ("list", "tuple"):
        values = [_decode(v) for v in item["v"]]
        return values if kind == "list" else tuple(values)
    if kind == "dict":
        return {k: _decode(v) for k, v in item["v"].items()}
    if kind in ("ndarray", "npscalar"):
        import numpy

        array = numpy.array(item["v"], dtype=numpy.dtype(item["dtype"]))
        return array.reshape(item["shape"]) if kind == "ndarray" else array[()]
    return Unsupported(str(item.get("type", "object")))


def restore(text: str) -> dict[str, Any]:
    """Values of a snapshot, in the clean process; raises ``ValueError`` if it is malformed.

    Args:
        text: The JSON :func:`snapshot` returned.

    Raises:
        ValueError: if ``text`` is not a JSON object of encoded values.
    """
    try:
        data = json.loads(text)
        if type(data) is not dict:
            raise TypeError("not a JSON object")
        return {str(name): _decode(item) for name, item in data.items()}
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        raise ValueError(f"malformed answer snapshot: {exc}") from exc


def names_read_by(source: str) -> tuple[list[str], list[str]]:
    """What a test cell reads from the student's namespace.

    Returns ``(answers, free)``: *answers* are names passed as string literals to a call
    (``checks.number("q1_capacity_ah", ...)``); *free* are variables the cell uses without
    defining them itself. Unparsable source reads nothing.

    Args:
        source: The test cell's source.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], []
    answers: set[str] = set()
    loaded: set[str] = set()
    defined: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            literals = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "name")]
            for arg in literals:
                value = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(value, str) and value.isidentifier():
                    answers.add(value)
        elif isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, ast.alias):
            defined.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
    free = loaded - defined - answers - _BUILTINS
    return sorted(answers), sorted(free)
