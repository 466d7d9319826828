"""Dependency arrows of docs/ARCHITECTURE.md: each package imports only what it may, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "denchi"
# shared base modules every package may use
BASE = {"errors", "validation", "i18n", "plotting", "telemetry", "pybtex_plugins", "explorers"}
ALLOWED = {
    # seeded data made by chem's closed forms (u01's polarisation), checked with factory's line
    # model (u05's line) and analysed with factory's process control (u06's production record);
    # u08's seeded cell is summed by sustain's CFP calculator and recycled-content check
    "labs": BASE | {"chem", "factory", "sustain"},
    "chem": BASE,
    "factory": BASE,
    "sustain": BASE,
    "careers": BASE,
    "grading": BASE | {"labs", "catalog"},
    "lms": BASE | {"grading", "catalog"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in SRC.rglob("*.py")}


def _imported_names(path: Path) -> set[str]:
    """Every dotted name a file imports, at any depth (functions, TYPE_CHECKING blocks too)."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + [base] * bool(base))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def _denchi_imports(path: Path) -> set[str]:
    """Top-level denchi subpackages/modules that a file imports."""
    return {n.split(".")[1] for n in _imported_names(path) if n.startswith("denchi.")}


def _module_imports(name: str) -> set[str]:
    """The modules of denchi that module ``name`` imports (submodules resolved)."""
    return {n for n in _imported_names(MODULES[name]) if n in MODULES} - {name}


PACKAGES = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file())


def test_every_subpackage_declares_its_arrows():
    assert set(PACKAGES) <= set(ALLOWED), set(PACKAGES) - set(ALLOWED)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_the_design_allows(package):
    folder = SRC / package
    offenders = {}
    for path in folder.rglob("*.py"):
        extra = _denchi_imports(path) - ALLOWED[package] - {package}
        if extra:
            offenders[str(path.relative_to(SRC))] = sorted(extra)
    assert not offenders, offenders


def test_base_modules_import_no_package():
    for name in BASE:
        extra = _denchi_imports(SRC / f"{name}.py") - BASE
        assert not extra, f"denchi.{name} imports {extra}"


# The layers of denchi.labs (docs/ARCHITECTURE.md): each imports only the ones before it.
LABS_LAYERS = ["engine", "api", "analysis", "datasets"]
LABS_SHARED = {"denchi.labs", "denchi.labs.errors", "denchi.labs.seeds"}


@pytest.mark.parametrize("layer", LABS_LAYERS)
def test_labs_layers_import_only_the_layers_below(layer):
    below = {f"denchi.labs.{name}" for name in LABS_LAYERS[: LABS_LAYERS.index(layer) + 1]}
    offenders = {}
    for name in MODULES:
        if not name.startswith(f"denchi.labs.{layer}"):
            continue
        labs = {m for m in _module_imports(name) if m.startswith("denchi.labs")}
        extra = {m for m in labs - LABS_SHARED if not any(m.startswith(b) for b in below)}
        if extra:
            offenders[name] = sorted(extra)
    assert not offenders, offenders


def test_labs_layers_cover_every_module():
    known = LABS_SHARED | {f"denchi.labs.{layer}" for layer in LABS_LAYERS}
    stray = [
        n
        for n in MODULES
        if n.startswith("denchi.labs") and n.rsplit(".", 1)[0] not in known and n not in known
    ]
    assert not stray, f"modules of denchi.labs outside its layers: {stray}"


# The LMS tool (docs/ARCHITECTURE.md): route modules speak HTTP and call services; the services
# take plain values (the Runtime, claims, ids) and return plain results.
LMS_ROUTES = ["web", "pages", "book_site", "handoff"]
LMS_SERVICES = ["launches", "deep_linking", "health", "submissions"]
HTTP_LIBRARIES = ("fastapi", "starlette")


def _is_lms_route(name: str) -> bool:
    return any(name == f"denchi.lms.{r}" or name.startswith(f"denchi.lms.{r}.") for r in LMS_ROUTES)


@pytest.mark.parametrize("service", LMS_SERVICES)
def test_lms_services_speak_no_http_and_import_no_route(service):
    names = _imported_names(SRC / "lms" / f"{service}.py")
    http = sorted(n for n in names if n.split(".")[0] in HTTP_LIBRARIES)
    routes = sorted(n for n in names if _is_lms_route(n))
    assert not http and not routes, f"denchi.lms.{service} imports {http + routes}"


def _defines_routes(path: Path) -> bool:
    """Whether a module makes a FastAPI application or router (it holds routes)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func
            if getattr(called, "id", called) in ("FastAPI", "APIRouter"):
                return True
    return False


LMS_ROUTE_MODULES = sorted(p.stem for p in (SRC / "lms").glob("*.py") if _defines_routes(p))
DATABASE_NAMES = ("sqlalchemy", "denchi.lms.models")


def test_every_lms_module_with_routes_is_a_declared_route():
    assert sorted(LMS_ROUTES) == LMS_ROUTE_MODULES


@pytest.mark.parametrize("route", LMS_ROUTE_MODULES)
def test_lms_routes_leave_the_database_to_services(route):
    """Issue 20: a route module (one that makes an app or a router) parses the request, calls
    a service and renders; the queries and writes are the services' (it imports neither
    SQLAlchemy nor the tables)."""
    names = _imported_names(SRC / "lms" / f"{route}.py")
    database = sorted(
        n for n in names if any(n == d or n.startswith(f"{d}.") for d in DATABASE_NAMES)
    )
    assert not database, f"denchi.lms.{route} imports {database}"


def test_only_routes_and_the_command_line_import_the_lms_routes():
    allowed = {f"denchi.lms.{r}" for r in LMS_ROUTES} | {"denchi.lms.cli"}
    offenders = {
        name: sorted(n for n in _module_imports(name) if _is_lms_route(n))
        for name in MODULES
        if name not in allowed
    }
    assert not {k: v for k, v in offenders.items() if v}, offenders


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_anywhere():
    graph = {name: _module_imports(name) for name in MODULES}
    assert not _cycles(graph), f"import cycles: {_cycles(graph)}"


def test_the_architecture_page_names_every_package_and_layer():
    page = (SRC.parents[1] / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [f"denchi/{p}/" for p in PACKAGES if f"denchi/{p}/" not in page]
    missing += [f"labs/{layer}/" for layer in LABS_LAYERS if f"labs/{layer}/" not in page]
    lms = [f"lms/{name}.py" for name in LMS_ROUTES + LMS_SERVICES]
    missing += [name for name in lms if name not in page]
    assert not missing, f"docs/ARCHITECTURE.md does not describe {missing}"
