"""The course cartridge (denchi lms cartridge): valid against the Common Cartridge 1.1 schemas
Moodle's import uses, read back here as Moodle's import reads it (backup/cc/cc2moodle.php,
entity11.resource.class.php, entity11.lti.class.php), built from the catalog's available
modules only, with URLs joined into the student edition and the tool, and bad URLs refused in
Japanese and English."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from denchi.catalog import Catalog, CatalogError, load_catalog, module_pages, page_title, repo_root
from denchi.cli import main
from denchi.lms import cartridge
from denchi.lms.cartridge import CartridgeError
from denchi.lms.config import make_config, write_default_config
from denchi.lms.targets import launch_url_parameters

ROOT = repo_root()
BOOK, TOOL = "https://school.example/denchi/", "https://lti.school.example/"
# Moodle's prefixes (cc112moodle::$namespaces, $resourcens, $basicltins)
NS = {
    "imscc": cartridge.CP,
    "wl": cartridge.WL,
    "xmlns": cartridge.LTICC,
    "blti": cartridge.BLTI,
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def built(catalog) -> bytes:
    return cartridge.build(catalog, ROOT, book_url=BOOK, tool_url=TOOL)[0]


def files_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(cartridge.SCHEMA_DIR / name)))


def moodle_reading(data: bytes) -> list[dict]:
    """The course as Moodle's CC 1.1 import makes it: the items under the organisation's root
    item are sections (ROOT_DEEP), an item with a title and no resource a label, a web link
    a URL resource (/wl:webLink/wl:url/@href), an LTI link an external tool
    (/xmlns:cartridge_basiclti_link/blti:launch_url); each resource's file through
    resource/file/@href."""
    files = files_of(data)
    manifest = etree.fromstring(files["imsmanifest.xml"])
    resources = {
        r.get("identifier"): r
        for r in manifest.xpath("//imscc:resources/imscc:resource", namespaces=NS)
    }
    sections = []
    for section in manifest.xpath(
        "/imscc:manifest/imscc:organizations/imscc:organization/imscc:item/imscc:item",
        namespaces=NS,
    ):
        activities = []
        for item in section.iterdescendants(f"{{{cartridge.CP}}}item"):
            title = item.findtext(f"{{{cartridge.CP}}}title")
            ref = item.get("identifierref")
            if ref is None:
                activities.append(("label", title, None))
                continue
            resource = resources[ref]  # a KeyError is an item that points at nothing
            (href,) = resource.xpath("imscc:file/@href", namespaces=NS)
            link = etree.fromstring(files[href])
            if resource.get("type") == cartridge.WEB_LINK:
                (url,) = link.xpath("/wl:webLink/wl:url/@href", namespaces=NS)
                activities.append(("url", title, url))
            else:
                assert resource.get("type") == cartridge.LTI_LINK
                url = link.xpath("/xmlns:cartridge_basiclti_link/blti:launch_url", namespaces=NS)
                activities.append(("lti", title, url[0].text))
        sections.append(
            {"title": section.findtext(f"{{{cartridge.CP}}}title"), "items": activities}
        )
    return sections


def test_every_file_of_the_cartridge_validates_against_its_common_cartridge_schema(built):
    files = files_of(built)
    manifest = etree.fromstring(files["imsmanifest.xml"])
    manifest_schema = schema("ccv1p1_imscp_v1p2_v1p0.xsd")
    assert manifest_schema.validate(manifest), manifest_schema.error_log
    kinds = {cartridge.WEB_LINK: "ccv1p1_imswl_v1p1.xsd", cartridge.LTI_LINK: "imslticc_v1p0p1.xsd"}
    resources = manifest.xpath("//imscc:resource", namespaces=NS)
    assert {r.get("type") for r in resources} == set(kinds)
    for resource in resources:
        (href,) = resource.xpath("imscc:file/@href", namespaces=NS)
        checker = schema(kinds[resource.get("type")])
        assert checker.validate(etree.fromstring(files[href])), (href, checker.error_log)
    assert len(files) == len(resources) + 1  # the manifest and one file per link, nothing else


def test_moodle_reads_one_section_per_track_and_every_available_module_in_it(built, catalog):
    sections = moodle_reading(built)
    tracks = [t for t in catalog.tracks if any(m.available for m in catalog.in_track(t.id))]
    assert [s["title"] for s in sections] == [t.title_ja for t in tracks]
    for section, track in zip(sections, tracks, strict=True):
        expected = []
        for module in catalog.in_track(track.id):
            if not module.available:
                continue
            expected.append(("label", module.title_ja, None))
            expected += [
                ("url", None, f"{BOOK}{page}.html") for page in module_pages(catalog, module, ROOT)
            ]
            if module.assignment:
                expected.append(
                    (
                        "lti",
                        f"課題：{module.title_ja}",
                        f"{TOOL}lti/launch?denchi_kind=assignment&denchi_target={module.assignment}",
                    )
                )
        got = [
            (kind, None if kind == "url" else title, url) for kind, title, url in section["items"]
        ]
        assert got == expected
    titles = {title for s in sections for kind, title, _ in s["items"] if kind == "url"}
    assert "計算ラボ：資源・リサイクル・CO2 を計算しよう" in titles  # a MyST role's text only
    assert all(titles)


def test_the_tool_reads_the_assignment_from_the_launch_url_moodle_keeps(built, catalog):
    launch = make_config(base_url=TOOL.rstrip("/")).url("/lti/launch")
    links = [url for s in moodle_reading(built) for kind, _, url in s["items"] if kind == "lti"]
    named = [launch_url_parameters(url, launch) for url in links]
    assert named == [("assignment", m.assignment) for m in catalog.available() if m.assignment]


def test_a_planned_module_is_not_listed(catalog):
    module = next(m for m in catalog.available() if m.assignment and m.labs)
    planned = dataclasses.replace(module, status="planned")
    fewer = Catalog(catalog.tracks, tuple(planned if m is module else m for m in catalog.modules))
    data, outline = cartridge.build(fewer, ROOT, book_url=BOOK, tool_url=TOOL)
    _, full = cartridge.build(catalog, ROOT, book_url=BOOK, tool_url=TOOL)
    assert outline.modules == full.modules - 1 and outline.assignments == full.assignments - 1
    text = b"".join(files_of(data).values()).decode("utf-8")
    assert module.title_ja not in text
    assert f"modules/{module.id}/" not in text and f"labs/{module.labs[0]}/" not in text
    assert f"denchi_target={module.assignment}" not in text
    for other in catalog.modules:
        if not other.available:
            assert f"module_{other.id}" not in text and f"modules/{other.id}/" not in text


@pytest.mark.parametrize(
    ("base", "path", "query", "joined"),
    [
        (
            "https://s.example/denchi/",
            "labs/a/index.html",
            None,
            "https://s.example/denchi/labs/a/index.html",
        ),
        (
            "https://s.example/denchi",
            "labs/a/index.html",
            None,
            "https://s.example/denchi/labs/a/index.html",
        ),
        ("https://s.example", "a/index.html", None, "https://s.example/a/index.html"),
        (
            "https://s.example/d/?v=2&lang=ja",
            "a/index.html",
            None,
            "https://s.example/d/a/index.html?v=2&lang=ja",
        ),
        (
            "https://t.example:8443/denchi-lti?site=7",
            "lti/launch",
            {"denchi_kind": "assignment", "denchi_target": "h01_society"},
            "https://t.example:8443/denchi-lti/lti/launch?site=7&denchi_kind=assignment&denchi_target=h01_society",
        ),
        (
            "https://s.example/",
            "a/index.html",
            {"q": "a b&c"},
            "https://s.example/a/index.html?q=a+b%26c",
        ),
    ],
)
def test_urls_are_joined_under_the_base_folder_keeping_its_query(base, path, query, joined):
    assert cartridge.join_url(base, path, query) == joined


def test_the_links_keep_the_query_of_the_urls_given(catalog):
    data, _ = cartridge.build(
        catalog, ROOT, book_url="https://s.example/book?v=3", tool_url="https://t.example/lti-tool"
    )
    urls = [url for s in moodle_reading(data) for kind, _, url in s["items"] if kind != "label"]
    assert urls and all(
        u.startswith(("https://s.example/book/", "https://t.example/lti-tool/lti/launch?"))
        for u in urls
    )
    assert all(u.endswith(".html?v=3") for u in urls if u.startswith("https://s.example/"))


BAD_URLS = [
    "school.example/denchi",
    "ftp://school.example/denchi/",
    "https://",
    "https://school.example/denchi/#top",
    "https://school.example/de nchi/",
    "https://[school.example/",
    "",
]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_a_bad_book_url_gets_a_bilingual_error_naming_the_option(catalog, bad):
    with pytest.raises(CartridgeError) as refused:
        cartridge.build(catalog, ROOT, book_url=bad, tool_url=TOOL)
    message = str(refused.value)
    assert "--book-url" in message and repr(bad) in message
    assert "使えません" in message and "is not usable" in message


def test_a_bad_tool_url_is_refused_the_same_way(catalog):
    with pytest.raises(CartridgeError, match="--tool-url 'tool.example' is not usable"):
        cartridge.build(catalog, ROOT, book_url=BOOK, tool_url="tool.example")


def break_manifest(pattern: str, replacement: str):
    def change(files: dict[str, bytes]) -> None:
        text = files["imsmanifest.xml"].decode("utf-8")
        changed = re.sub(pattern, replacement, text, count=1)
        assert changed != text
        files["imsmanifest.xml"] = changed.encode("utf-8")

    return change


def drop_first_link_file(files: dict[str, bytes]) -> None:
    del files["links/0001.xml"]


def break_first_link(files: dict[str, bytes]) -> None:
    files["links/0001.xml"] = files["links/0001.xml"].replace(b"<url ", b"<link ")


@pytest.mark.parametrize(
    ("damage", "ja", "en"),
    [
        (break_manifest(r'<file href="[^"]+"/>', "<file/>"), "スキーマ", "schema"),
        (break_manifest(r'identifier="R0002"', 'identifier="R0001"'), "スキーマ", "schema"),
        (
            break_manifest(r'identifierref="R0001"', 'identifierref="track_intro"'),
            "resource がありません",
            "no resource",
        ),
        (break_manifest(r"<schemaversion>1.1.0", "<schemaversion>1.3.0"), "スキーマ", "schema"),
        (break_manifest(r"imsccv1p1/imscp_v1p1", "imsccv1p3/imscp_v1p1"), "名前空間", "namespace"),
        (break_manifest(r'type="imswl_xmlv1p1"', 'type="webcontent"'), "web link", "web link"),
        (drop_first_link_file, "zip の中にありません", "not in the zip"),
        (break_first_link, "スキーマ", "schema"),
    ],
)
def test_a_broken_cartridge_fails_the_check(built, damage, ja, en):
    cartridge.check(built)  # the cartridge as built passes
    files = files_of(built)
    damage(files)
    with pytest.raises(CartridgeError) as refused:
        cartridge.check(zipped(files))
    assert ja in str(refused.value) and en in str(refused.value)


def test_the_command_writes_the_cartridge_with_the_urls_of_the_configuration(tmp_path, capsys):
    config = write_default_config(tmp_path / "lms.toml", "https://lti.school.example", BOOK)
    out = tmp_path / "course.imscc"
    assert main(["lms", "cartridge", "--config", str(config), "-o", str(out)]) == 0
    sections = moodle_reading(out.read_bytes())
    urls = [url for s in sections for kind, _, url in s["items"] if kind != "label"]
    assert urls[0].startswith(BOOK) and urls[-1].startswith(f"{TOOL}lti/launch?")
    said = capsys.readouterr().out
    assert "を書きました" in said and "wrote" in said
    assert not list(tmp_path.glob("*.part"))


def test_a_bad_url_on_the_command_line_leaves_an_existing_file_alone(tmp_path, capsys):
    out = tmp_path / "course.imscc"
    out.write_bytes(b"the teacher's earlier cartridge")
    argv = ["lms", "cartridge", "--book-url", "school.example", "--tool-url", TOOL, "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--book-url" in err and "使えません" in err and "is not usable" in err
    assert "Traceback" not in err
    assert out.read_bytes() == b"the teacher's earlier cartridge"


def test_without_urls_or_a_configuration_file_the_command_says_what_to_give(tmp_path, capsys):
    missing = tmp_path / "none.toml"
    argv = ["lms", "cartridge", "--config", str(missing), "-o", str(tmp_path / "x.imscc")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--book-url と --tool-url" in err and "Give --book-url and --tool-url" in err
    assert not (tmp_path / "x.imscc").exists()


def test_the_same_course_gives_the_same_bytes(catalog, built):
    assert cartridge.build(catalog, ROOT, book_url=BOOK, tool_url=TOOL)[0] == built


def test_the_shipped_schemas_are_the_unchanged_ims_files():
    """Their licence allows copies only with the IMS notice intact (cartridge_schemas/README.md)."""
    folder = cartridge.SCHEMA_DIR
    for path in folder.glob("*.xsd"):
        if path.name != "xml.xsd":
            assert "IPR, License and Distribution Notices" in path.read_text(encoding="utf-8")
    assert {p.name for p in folder.glob("*.xsd")} >= set(cartridge.SCHEMAS.values())
    assert Path(folder / "README.md").is_file()


def test_a_page_title_is_its_first_heading_after_the_jupytext_header(tmp_path):
    (tmp_path / "p").mkdir()
    page = tmp_path / "p" / "a.md"
    page.write_text(
        "---\njupytext:\n  x: 1\n---\n\n# 資源と CO{sub}`2`\n\n# 二つ目\n", encoding="utf-8"
    )
    assert page_title(tmp_path, "p/a") == "資源と CO2"
    page.write_text("---\nkernelspec: {}\n---\n\n本文だけ\n", encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        page_title(tmp_path, "p/a")
    assert "題" in str(refused.value) and "has no title" in str(refused.value)
