"""The course cartridge: the catalog's course as one IMS Common Cartridge file (``.imscc``) that
a teacher imports into the LMS in one step (Moodle: the course's Restore, or Import, with the
file), ``denchi lms cartridge``.

What it holds (the organisation of ``imsmanifest.xml``, IMS CC 1.1, built from the catalog):
one item per track, which Moodle's import makes a course section; in it, per available module,
an item with the module's title (a heading: Moodle makes an item with a title and no resource a
label) holding each page of the module (:func:`denchi.catalog.module_pages`) as a web link into
the student edition, and the module's assignment as a Basic LTI link to the tool. Planned
modules are left out. A link names its page or assignment twice: in its custom parameters
(``denchi_kind``/``denchi_target``, as deep linking does) and in the query of its launch URL,
because Moodle's import keeps only a link's title, description, launch URL and icon
(``backup/cc/entity11.lti.class.php``) and then launches it with the launch URL as
``target_link_uri``, which the tool reads (:func:`denchi.lms.targets.launch_url_parameters`).
Moodle finds the tool that sends the launch by the link's URL: a tool registered on the site
whose tool URL's domain is the link's and whose URL the link's starts with
(``mod/lti/locallib.php``, ``lti_get_tool_by_url_match``), so the tool must be registered first.

Why CC 1.1 and not 1.3: Moodle's import recognises CC 1.0 and 1.1 only (it looks for the
manifest namespace ``…/imscc/imscp_v1p1`` or ``…/imsccv1p1/imscp_v1p1``:
``backup/converter/imscc1/lib.php`` and ``imscc11/lib.php``; Moodle 4.2 has no 1.3 converter),
and other LMSs that import 1.3 (Canvas, Sakai) import 1.1 as well.

The cartridge is checked before it is written, as Moodle's import checks it (:func:`check`):
the manifest against the CC 1.1 schema and each link's file against its own schema (the
schemas Moodle's import uses, ``backup/cc/validator.php``, shipped unchanged in
``cartridge_schemas/``), and the references lxml's schema check does not see.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from denchi.catalog import Catalog, module_pages, page_title
from denchi.i18n import bilingual
from denchi.lms.targets import assignment_title, link_parameters

COURSE_TITLE = "電池人材育成オープン教材"  # the book's title (book/_config.yml)
VENDOR_CODE = "denchi"
MANIFEST = "imsmanifest.xml"
SCHEMA_DIR = Path(__file__).with_name("cartridge_schemas")
CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
WL = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
LTICC = "http://www.imsglobal.org/xsd/imslticc_v1p0"
BLTI = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICM = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP = "http://www.imsglobal.org/xsd/imslticp_v1p0"
WEB_LINK, LTI_LINK = "imswl_xmlv1p1", "imsbasiclti_xmlv1p0"
# the schema of each XML file of the cartridge, by resource type (backup/cc/validator.php)
SCHEMAS = {
    MANIFEST: "ccv1p1_imscp_v1p2_v1p0.xsd",
    WEB_LINK: "ccv1p1_imswl_v1p1.xsd",
    LTI_LINK: "imslticc_v1p0p1.xsd",
}
# the element each link file must be (Moodle reads /wl:webLink/wl:url/@href and
# /cartridge_basiclti_link/blti:launch_url)
ROOTS = {WEB_LINK: f"{{{WL}}}webLink", LTI_LINK: f"{{{LTICC}}}cartridge_basiclti_link"}
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # the same bytes for the same course and URLs


class CartridgeError(ValueError):
    """A URL for the cartridge is unusable, or a cartridge breaks a rule of the LMS's import
    (bilingual message)."""


@dataclass(frozen=True)
class Outline:
    """What a cartridge holds, counted.

    Attributes:
        modules: Available modules.
        pages: Web links to pages of the student edition.
        assignments: LTI links to assignments.
    """

    modules: int
    pages: int
    assignments: int


def http_url(option: str, value: str) -> str:
    """``value`` checked as an absolute http(s) URL with a host and no fragment.

    Args:
        option: The command-line option it came from (named in the error).
        value: The URL.

    Raises:
        CartridgeError: bilingual, naming the option, the value and what to give.
    """
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.fragment
    except ValueError:  # e.g. an unclosed [ in the host
        ok = False
    if not ok or any(c.isspace() or ord(c) < 32 for c in value):
        raise CartridgeError(
            bilingual(
                f"{option} の {value!r} は使えません。http:// か https:// で始まり、"
                "ホスト名があり、# のない URL を書いてください"
                "（例: https://school.example/denchi/）。",
                f"{option} {value!r} is not usable: give an http:// or https:// URL with a host"
                " and no # part (e.g. https://school.example/denchi/).",
            )
        )
    return value


def join_url(base: str, path: str, query: dict[str, str] | None = None) -> str:
    """``path`` under the folder ``base`` names, with ``base``'s query kept and ``query`` added.

    ``base`` is a folder whether or not it ends with ``/``, as ``LmsConfig.url`` treats the
    tool's ``base_url`` (``https://x/denchi?s=1`` + ``labs/a/index.html`` →
    ``https://x/denchi/labs/a/index.html?s=1``).

    Args:
        base: An absolute URL (:func:`http_url`).
        path: A relative path (no leading ``/``).
        query: Parameters to add to the query.
    """
    parts = urlsplit(base)
    pairs = parse_qsl(parts.query, keep_blank_values=True) + list((query or {}).items())
    folder = parts.path.rstrip("/") + "/"
    return urlunsplit((parts.scheme, parts.netloc, folder + path, urlencode(pairs), ""))


def _element(parent: etree._Element, tag: str, text: str | None = None, **attrs: str):
    child = etree.SubElement(parent, tag, attrs)
    child.text = text
    return child


def _web_link(title: str, url: str) -> etree._Element:
    root = etree.Element(f"{{{WL}}}webLink", nsmap={None: WL})
    _element(root, f"{{{WL}}}title", title)
    _element(root, f"{{{WL}}}url", href=url, target="_blank")
    return root


def _lti_link(title: str, description: str, url: str, custom: dict[str, str]) -> etree._Element:
    nsmap = {None: LTICC, "blti": BLTI, "lticm": LTICM, "lticp": LTICP}
    root = etree.Element(f"{{{LTICC}}}cartridge_basiclti_link", nsmap=nsmap)
    _element(root, f"{{{BLTI}}}title", title)
    _element(root, f"{{{BLTI}}}description", description)
    properties = _element(root, f"{{{BLTI}}}custom")
    for name, value in custom.items():
        _element(properties, f"{{{LTICM}}}property", value, name=name)
    _element(root, f"{{{BLTI}}}launch_url", url)
    vendor = _element(root, f"{{{BLTI}}}vendor")
    _element(vendor, f"{{{LTICP}}}code", VENDOR_CODE)
    _element(vendor, f"{{{LTICP}}}name", COURSE_TITLE)
    return root


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build(catalog: Catalog, root: Path, book_url: str, tool_url: str) -> tuple[bytes, Outline]:
    """The course cartridge (the bytes of the ``.imscc`` zip) and what it holds, checked by
    :func:`check` before it is returned.

    Args:
        catalog: The catalog (``book/curriculum.yml``).
        root: The courseware checkout (its pages' titles are read).
        book_url: Where the student edition is served (a page is ``<book_url>/<docname>.html``).
        tool_url: The tool's ``base_url`` (its links launch ``<tool_url>/lti/launch``).

    Raises:
        CartridgeError: bilingual: a URL is unusable (:func:`http_url`), or the cartridge
            fails :func:`check` (a fault of this code, reported as such).
        CatalogError: a page has no title (:func:`denchi.catalog.page_title`).
        OSError: a page cannot be read.
    """
    book_url, tool_url = http_url("--book-url", book_url), http_url("--tool-url", tool_url)
    manifest = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "lomimscc": LOM})
    manifest.set("identifier", "denchi_course")
    metadata = _element(manifest, f"{{{CP}}}metadata")
    _element(metadata, f"{{{CP}}}schema", "IMS Common Cartridge")
    _element(metadata, f"{{{CP}}}schemaversion", "1.1.0")
    general = _element(_element(metadata, f"{{{LOM}}}lom"), f"{{{LOM}}}general")
    _element(_element(general, f"{{{LOM}}}title"), f"{{{LOM}}}string", COURSE_TITLE, language="ja")
    organization = _element(
        _element(manifest, f"{{{CP}}}organizations"),
        f"{{{CP}}}organization",
        identifier="course",
        structure="rooted-hierarchy",
    )
    top = _element(organization, f"{{{CP}}}item", identifier="root")
    resources = _element(manifest, f"{{{CP}}}resources")
    files: dict[str, bytes] = {}
    counts = {"modules": 0, "pages": 0, "assignments": 0}

    def link(parent: etree._Element, kind: str, title: str, document: etree._Element) -> None:
        number = len(files) + 1
        name = f"links/{number:04d}.xml"
        files[name] = _xml(document)
        resource = _element(resources, f"{{{CP}}}resource", identifier=f"R{number:04d}", type=kind)
        _element(resource, f"{{{CP}}}file", href=name)
        item = _element(parent, f"{{{CP}}}item", identifier=f"I{number:04d}")
        item.set("identifierref", f"R{number:04d}")
        _element(item, f"{{{CP}}}title", title)

    for track in catalog.tracks:
        modules = [m for m in catalog.in_track(track.id) if m.available]
        if not modules:
            continue
        section = _element(top, f"{{{CP}}}item", identifier=f"track_{track.id}")
        _element(section, f"{{{CP}}}title", track.title_ja)
        for module in modules:
            counts["modules"] += 1
            heading = _element(section, f"{{{CP}}}item", identifier=f"module_{module.id}")
            _element(heading, f"{{{CP}}}title", module.title_ja)
            for docname in module_pages(catalog, module, root):
                title = page_title(root, docname)
                counts["pages"] += 1
                url = join_url(book_url, f"{docname}.html")
                link(heading, WEB_LINK, title, _web_link(title, url))
            if module.assignment:
                counts["assignments"] += 1
                custom = link_parameters("assignment", module.assignment)
                title = assignment_title(module)
                url = join_url(tool_url, "lti/launch", custom)
                document = _lti_link(title, module.title_en, url, custom)
                link(heading, LTI_LINK, title, document)
    files = {MANIFEST: _xml(manifest), **files}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    try:
        check(data)
    except CartridgeError as exc:
        raise CartridgeError(
            bilingual(
                f"作ったカートリッジが検査に通りませんでした（プログラムの不具合です。開発者に"
                f"伝えてください）: {exc}",
                f"The cartridge made failed its own check (a fault of this program; please"
                f" report it): {exc}",
            )
        ) from exc
    return data, Outline(**counts)


@cache
def _schema(name: str) -> etree.XMLSchema:
    """A schema of ``cartridge_schemas/``, its imports read from the same folder."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _valid(name: str, data: bytes, schema: str) -> etree._Element:
    """The parsed ``data`` of the file ``name`` after its schema check.

    Raises:
        CartridgeError: not well-formed XML, or not valid, with the schema's first error.
    """
    try:
        document = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise _broken(f"{name}: XML として読めません: {exc}", f"{name}: not XML: {exc}") from exc
    checker = _schema(schema)
    if not checker.validate(document):
        error = checker.error_log[0]
        raise _broken(
            f"{name} の {error.line} 行目がスキーマ {schema} に合いません: {error.message}",
            f"{name} line {error.line} does not match the schema {schema}: {error.message}",
        )
    return document


def _broken(ja: str, en: str) -> CartridgeError:
    return CartridgeError(bilingual(f"カートリッジの誤り: {ja}", f"Broken cartridge: {en}"))


def check(data: bytes) -> None:
    """Check a cartridge as Moodle's import reads it (``backup/cc``: ``validator.php``,
    ``cc112moodle.php``, ``entities11.class.php``, ``entity11.resource.class.php``,
    ``entity11.lti.class.php``): a zip with ``imsmanifest.xml`` at its root that declares the
    CC 1.1 namespace in its first 500 bytes (how Moodle tells CC 1.1 from other formats),
    valid against the CC 1.1 schema (which also makes identifiers unique); every item's
    ``identifierref`` names a resource (not just any identifier); every resource is a web
    link or an LTI link with one file that is in the zip and valid against its own schema,
    with an http(s) URL to open.

    Args:
        data: The bytes of the ``.imscc`` file.

    Raises:
        CartridgeError: bilingual, naming the first rule broken and where.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _broken("zip ファイルではありません", "not a zip file") from exc
    names = set(archive.namelist())
    if MANIFEST not in names:
        raise _broken(f"{MANIFEST} がありません", f"no {MANIFEST} at the root")
    text = archive.read(MANIFEST)
    # Moodle recognises a CC 1.1 cartridge by the namespace declaration in the manifest's first
    # 500 bytes, lowercased, without white space and quotes (imscc11_converter::detect_format)
    head = text[:500].decode("utf-8", "ignore").lower()
    if f"xmlns={CP}" not in "".join(head.split()).replace('"', "").replace("'", ""):
        raise _broken(
            f"{MANIFEST} の最初の 500 バイトに CC 1.1 の名前空間 xmlns={CP} がありません",
            f"the first 500 bytes of {MANIFEST} do not declare the CC 1.1 namespace xmlns={CP}",
        )
    manifest = _valid(MANIFEST, text, SCHEMAS[MANIFEST])
    ns = {"cp": CP}
    resources = {r.get("identifier"): r for r in manifest.iterfind("cp:resources/cp:resource", ns)}
    for item in manifest.iterfind(".//cp:item[@identifierref]", ns):
        ref = item.get("identifierref")
        if ref not in resources:
            raise _broken(
                f"項目 {item.get('identifier')} の identifierref {ref} に当たる resource が"
                "ありません",
                f"item {item.get('identifier')} refers to {ref}, which is no resource",
            )
    for identifier, resource in resources.items():
        kind = resource.get("type")
        hrefs = [f.get("href") for f in resource.iterfind("cp:file", ns)]
        if kind not in ROOTS or len(hrefs) != 1:
            raise _broken(
                f"resource {identifier} は {kind} で file が {len(hrefs)} 個です（web link か LTI"
                " link で file 1 個のはず）",
                f"resource {identifier} is {kind} with {len(hrefs)} files (expected a web link"
                " or an LTI link with one file)",
            )
        name = hrefs[0]
        if name not in names:
            raise _broken(
                f"resource {identifier} の file {name} が zip の中にありません",
                f"resource {identifier}: its file {name} is not in the zip",
            )
        document = _valid(name, archive.read(name), SCHEMAS[kind])
        if document.tag == ROOTS[LTI_LINK]:
            url = document.findtext(f"{{{BLTI}}}launch_url")
        else:
            url = document.find(f"{{{WL}}}url").get("href")  # the schema requires it
        if document.tag != ROOTS[kind] or urlsplit(url or "").scheme not in ("http", "https"):
            raise _broken(
                f"{name} は {ROOTS[kind]} で http(s) の URL を持つはずです",
                f"{name} should be {ROOTS[kind]} with an http(s) URL",
            )
