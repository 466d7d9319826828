"""What a resource link may point at: the catalog's pages and autograded assignments.

A link's ``denchi_kind``/``denchi_target`` custom parameters come from the LMS (any teacher can
edit them), so they are only ever compared with the catalog; the tool then uses the catalog's
own id, never the launch's string.
"""

from __future__ import annotations

from dataclasses import dataclass

from denchi.catalog import Catalog, Module


@dataclass(frozen=True)
class PageOption:
    """A book page a resource link may open, as deep linking offers it."""

    module: Module
    docname: str  # Sphinx docname in the book, e.g. "modules/h04_lithium_ion/index"
    label: str


def page_options(catalog: Catalog) -> list[PageOption]:
    """Every book page a link may open: each available module's entry page and lab pages.

    A link opens the public book (the student edition, ``book_url``), so the modules whose
    pages are in the teacher edition only (:meth:`Catalog.teacher_only`) are not offered.

    Args:
        catalog: The catalog (``book/curriculum.yml``) whose available modules are offered.
    """
    options = []
    for module in catalog.available():
        if catalog.teacher_only(module):
            continue
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
