"""What a resource link may point at: the catalog's pages and autograded assignments.

A link's ``denchi_kind``/``denchi_target`` custom parameters come from the LMS (any teacher can
edit them), so they are only ever compared with the catalog; the tool then uses the catalog's
own id, never the launch's string.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from denchi.catalog import Catalog, Module

# the custom parameters (deep linking) or launch-URL query parameters (a course cartridge's
# links) that name what a resource link opens
KIND, TARGET = "denchi_kind", "denchi_target"


@dataclass(frozen=True)
class PageOption:
    """A book page a resource link may open, as deep linking offers it."""

    module: Module
    docname: str  # Sphinx docname in the book, e.g. "modules/h04_lithium_ion/index"
    label: str


def page_options(catalog: Catalog) -> list[PageOption]:
    """Every book page a link may open: each available module's entry page and lab pages.

    Args:
        catalog: The catalog (``book/curriculum.yml``) whose available modules are offered.
    """
    options = []
    for module in catalog.available():
        entry = catalog.entry_page(module)
        options.append(PageOption(module, entry, f"教材ページ：{module.title_ja}"))
        for lab in catalog.paths(module).lab_dirs:
            page = f"{lab.as_posix()}/index"
            if page != entry:
                options.append(PageOption(module, page, "バーチャルラボ"))
    return options


def catalog_id(known: set[str] | frozenset[str], value: object) -> str | None:
    """The member of ``known`` equal to ``value`` (the catalog's string), else None.

    Args:
        known: The catalog's ids (assignment or page ids).
        value: A string from outside (a custom parameter of a launch, a form field); any
            object is accepted and only ever compared.
    """
    return next((k for k in known if k == value), None)


def assignment_title(module: Module) -> str:
    """The title of a module's assignment link in the LMS (deep linking, the cartridge).

    Args:
        module: A module with an assignment.
    """
    return f"課題：{module.title_ja}"


def link_parameters(kind: str, target: str) -> dict[str, str]:
    """The parameters that name what a link opens: a deep-linking item's custom parameters and
    the query of a cartridge link's launch URL.

    Args:
        kind: ``page`` or ``assignment``.
        target: The page's docname or the assignment id (the catalog's).
    """
    return {KIND: kind, TARGET: target}


def launch_url_parameters(target_link_uri: object, launch_url: str) -> tuple[object, object]:
    """The kind and target named in the query of a launch's ``target_link_uri`` (LTI 1.3 Core,
    "target_link_uri" claim), as a course cartridge's link carries them: an LMS that imports
    the cartridge keeps the link's launch URL but may drop its custom parameters (Moodle:
    ``backup/cc/entity11.lti.class.php``). Only the tool's own launch URL counts, and each
    parameter must appear once; the values are unchecked (:func:`denchi.lms.sessions.link_target`
    compares them with the catalog).

    Args:
        target_link_uri: The claim's value (any object; only a string can name anything).
        launch_url: The tool's launch URL (``LmsConfig.url("/lti/launch")``).

    Returns:
        ``(kind, target)``, or ``(None, None)`` when the URL names nothing.
    """
    if not isinstance(target_link_uri, str):
        return None, None
    given, own = urlsplit(target_link_uri), urlsplit(launch_url)
    if (given.scheme, given.netloc.lower(), given.path) != (
        own.scheme,
        own.netloc.lower(),
        own.path,
    ):
        return None, None
    query = parse_qs(given.query)
    kind, target = query.get(KIND, []), query.get(TARGET, [])
    if len(kind) != 1 or len(target) != 1:
        return None, None
    return kind[0], target[0]
