"""The curriculum catalog: every module of the courseware, read from ``book/curriculum.yml``.

The table of contents, the track pages, the teacher-guide index, the LMS deep-linking catalog
and the tests all read the catalog through this module, so modules are listed exactly once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from denchi.i18n import bilingual

Status = Literal["available", "planned"]
CATALOG_RELPATH = Path("book") / "curriculum.yml"
# Lesson pages numbered 90 and up close their module, after its labs: the printable worksheet
# (90_worksheet.md) covers the lab too, so it comes last.
CLOSING_PAGE_PREFIX = "9"
# a MyST role in a heading, {sub}`2`: its text is what a reader sees
_ROLE = re.compile(r"\{[\w:-]+\}`([^`]*)`")


class CatalogError(ValueError):
    """The catalog file is malformed or disagrees with itself."""


def repo_root() -> Path:
    """The courseware checkout: ``$DENCHI_ROOT``, else the nearest parent holding the catalog.

    The search starts at the working directory, then at this file.

    Returns:
        Absolute path of the repository root (``$DENCHI_ROOT`` is returned resolved but not
        checked).

    Raises:
        CatalogError: If ``$DENCHI_ROOT`` is unset and no parent folder holds
            ``book/curriculum.yml`` (message in Japanese and English).
    """
    if env := os.environ.get("DENCHI_ROOT"):
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / CATALOG_RELPATH).is_file():
                return folder
    raise CatalogError(
        "book/curriculum.yml が見つかりません。"
        "DENCHI_ROOT にリポジトリの場所を設定してください。 / "
        "Cannot find book/curriculum.yml; set DENCHI_ROOT to the courseware checkout."
    )


@dataclass(frozen=True)
class Track:
    """A track of the courseware (intro, specialist, evaluation, teacher), from the catalog.

    Attributes:
        id: Track id, e.g. ``"intro"``.
        title_ja: Japanese title.
        title_en: English title.
        audience_ja: Who the track is for (Japanese).
        audience_en: Who the track is for (English).
        lesson_minutes: Length of one lesson [min].
        has_lesson_pages: Whether its modules have lesson pages under ``modules/``.
        summary_ja: Summary for the track page (Japanese).
    """

    id: str
    title_ja: str
    title_en: str
    audience_ja: str
    audience_en: str
    lesson_minutes: int
    has_lesson_pages: bool
    summary_ja: str

    @property
    def page(self) -> str:
        """Sphinx docname of the track page."""
        return f"book/tracks/{self.id}"


@dataclass(frozen=True)
class Module:
    """One module of the courseware, from the catalog.

    Attributes:
        id: Module id, which names its folders, e.g. ``"h01_society"``.
        status: ``"available"`` (written) or ``"planned"``.
        track: Id of its :class:`Track`.
        title_ja: Japanese title.
        title_en: English title.
        consortium_element: The element of the consortium's programme it serves (Japanese).
        minutes: Teaching time [min].
        objectives: Learning objectives (Japanese).
        prerequisites: Ids of modules to take first.
        guideline_hooks: Items of the MEXT course of study it ties to.
        labs: Ids of its labs (folders under ``labs/``).
        assignment: Id of its assignment under ``assessments/source/``, or None.
    """

    id: str
    status: Status
    track: str
    title_ja: str
    title_en: str
    consortium_element: str
    minutes: int
    objectives: tuple[str, ...]
    prerequisites: tuple[str, ...]
    guideline_hooks: tuple[str, ...]
    labs: tuple[str, ...]
    assignment: str | None

    @property
    def available(self) -> bool:
        """Whether the module is written (``status == "available"``)."""
        return self.status == "available"


@dataclass(frozen=True)
class ModulePaths:
    """Where the parts of one module live, relative to the repository root.

    Attributes:
        lesson_dir: ``modules/<id>``, or None for a track without lesson pages.
        lab_dirs: ``labs/<lab id>`` for each lab.
        assignment_dir: ``assessments/source/<assignment>``, or None.
        teacher_guide: ``teacher_guides/<id>.md``.
    """

    lesson_dir: Path | None
    lab_dirs: tuple[Path, ...]
    assignment_dir: Path | None
    teacher_guide: Path

    def all(self) -> list[Path]:
        """Every part that exists for the module (lesson, labs, assignment, teacher guide)."""
        parts = [self.lesson_dir, *self.lab_dirs, self.assignment_dir, self.teacher_guide]
        return [p for p in parts if p is not None]


@dataclass(frozen=True)
class Catalog:
    """Every track and module, in the order of ``book/curriculum.yml``.

    Attributes:
        tracks: The tracks.
        modules: The modules, planned ones included.
    """

    tracks: tuple[Track, ...]
    modules: tuple[Module, ...]

    def module(self, module_id: str) -> Module:
        """The module with id ``module_id``.

        Args:
            module_id: Module id, e.g. ``"h01_society"``.

        Raises:
            KeyError: If no module has that id.
        """
        for m in self.modules:
            if m.id == module_id:
                return m
        raise KeyError(f"unknown module id {module_id!r}")

    def track(self, track_id: str) -> Track:
        """The track with id ``track_id``.

        Args:
            track_id: Track id, e.g. ``"intro"``.

        Raises:
            KeyError: If no track has that id.
        """
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(f"unknown track id {track_id!r}")

    def in_track(self, track_id: str) -> list[Module]:
        """The modules of one track, in catalog order.

        Args:
            track_id: Track id, e.g. ``"intro"``; an unknown id gives an empty list.
        """
        return [m for m in self.modules if m.track == track_id]

    def available(self) -> list[Module]:
        """The modules that are written, in catalog order."""
        return [m for m in self.modules if m.available]

    def paths(self, module: Module) -> ModulePaths:
        """Where the parts of ``module`` live, relative to the repository root.

        Args:
            module: A module of this catalog.

        Raises:
            KeyError: If the module's track is not in the catalog.
        """
        track = self.track(module.track)
        return ModulePaths(
            lesson_dir=Path("modules", module.id) if track.has_lesson_pages else None,
            lab_dirs=tuple(Path("labs", lab) for lab in module.labs),
            assignment_dir=(
                Path("assessments", "source", module.assignment) if module.assignment else None
            ),
            teacher_guide=Path("teacher_guides", f"{module.id}.md"),
        )

    def entry_page(self, module: Module) -> str:
        """Sphinx docname a learner opens first: the lesson index, else the first lab page.

        Args:
            module: A module of this catalog.

        Raises:
            KeyError: If the module's track is not in the catalog.
            IndexError: If the module has neither lesson pages nor a lab (a catalog from
                :func:`load_catalog` never has such a module).
        """
        paths = self.paths(module)
        if paths.lesson_dir is not None:
            return f"{paths.lesson_dir.as_posix()}/index"
        return f"{paths.lab_dirs[0].as_posix()}/index"


def sorted_pages(folder: Path, root: Path, pattern: str = "[0-9]*.md") -> list[str]:
    """Docnames of the pages of a folder matching ``pattern``, in file-name order.

    Args:
        folder: The folder, relative to ``root``.
        root: The courseware checkout.
        pattern: A glob of page file names (numbered pages by default).
    """
    pages = sorted(p for p in (root / folder).glob(pattern))
    return [p.relative_to(root).with_suffix("").as_posix() for p in pages]


def module_pages(catalog: Catalog, module: Module, root: Path) -> list[str]:
    """All book pages of an available module, in reading order (entry page first): lesson
    pages, then each lab's pages, then the closing pages (numbered 90 and up).

    Args:
        catalog: The catalog.
        module: An available module of it.
        root: The courseware checkout.
    """
    paths = catalog.paths(module)
    pages = [catalog.entry_page(module)]
    lessons = sorted_pages(paths.lesson_dir, root) if paths.lesson_dir is not None else []
    closing = [p for p in lessons if p.rsplit("/", 1)[-1].startswith(CLOSING_PAGE_PREFIX)]
    pages += [p for p in lessons if p not in closing]
    for lab_dir in paths.lab_dirs:
        for page in (f"{lab_dir.as_posix()}/index", *sorted_pages(lab_dir, root)):
            if page not in pages:
                pages.append(page)
    return pages + closing


def page_title(root: Path, docname: str) -> str:
    """The title of a book page as a reader sees it: its first ``# `` heading after the
    jupytext header, with MyST roles reduced to their text (``CO{sub}`2``` → ``CO2``).

    Args:
        root: The courseware checkout.
        docname: The page's Sphinx docname (``modules/h01_society/index``).

    Raises:
        OSError: the page cannot be read.
        CatalogError: bilingual: the page has no ``# `` heading.
    """
    text = (root / f"{docname}.md").read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("\n---", 1)[-1]
    for line in text.splitlines():
        if line.startswith("# "):
            return _ROLE.sub(r"\1", line[2:]).strip()
    raise CatalogError(
        bilingual(
            f"ページ {docname}.md に題（# で始まる行）がありません。",
            f"The page {docname}.md has no title (a line starting with '# ').",
        )
    )


def _parse(data: dict) -> Catalog:
    try:
        tracks = tuple(Track(**t) for t in data["tracks"])
        modules = tuple(
            Module(
                **{
                    **m,
                    **{
                        k: tuple(m[k])
                        for k in ("objectives", "prerequisites", "guideline_hooks", "labs")
                    },
                }
            )
            for m in data["modules"]
        )
    except (KeyError, TypeError) as exc:
        raise CatalogError(f"malformed catalog entry: {exc}") from exc
    catalog = Catalog(tracks, modules)
    _validate(catalog)
    return catalog


def _validate(catalog: Catalog) -> None:
    ids = [m.id for m in catalog.modules]
    if len(ids) != len(set(ids)):
        raise CatalogError(f"duplicate module ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    track_ids = {t.id for t in catalog.tracks}
    for m in catalog.modules:
        if m.track not in track_ids:
            raise CatalogError(f"{m.id}: unknown track {m.track!r}")
        if m.status not in ("available", "planned"):
            raise CatalogError(f"{m.id}: status must be 'available' or 'planned'")
        if unknown := set(m.prerequisites) - set(ids):
            raise CatalogError(f"{m.id}: unknown prerequisites {sorted(unknown)}")
        if not catalog.track(m.track).has_lesson_pages and not m.labs:
            raise CatalogError(f"{m.id}: a module without lesson pages needs a lab")


def load_catalog(path: Path | None = None) -> Catalog:
    """Read and validate the catalog (cached per path).

    Args:
        path: The catalog file; None reads ``book/curriculum.yml`` under :func:`repo_root`.

    Returns:
        The catalog.

    Raises:
        CatalogError: If the repository root cannot be found, an entry lacks a field or has
            an unknown one, module ids repeat, a module names an unknown track or
            prerequisite, a status is neither ``available`` nor ``planned``, or a module
            without lesson pages has no lab.
        OSError: If the file cannot be read.
        yaml.YAMLError: If the file is not valid YAML.
    """
    return _load_cached((path or repo_root() / CATALOG_RELPATH).resolve())


@cache
def _load_cached(path: Path) -> Catalog:
    with path.open(encoding="utf-8") as fh:
        return _parse(yaml.safe_load(fh))
