"""Every page of every available intro-track module is built, executed and cross-linked."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]


def test_every_intro_page_is_in_the_html_without_errors(built_book, teacher_book, catalog, root):
    from denchi.book import module_pages

    for module in catalog.in_track("intro"):
        if not module.available:
            continue
        for page in module_pages(catalog, module, root):
            html = (built_book / f"{page}.html").read_text(encoding="utf-8")
            assert "Traceback" not in html and "InputError" not in html, page
        guide = teacher_book / "teacher_guides" / f"{module.id}.html"
        assert "配点の合計: 10 点" in guide.read_text(encoding="utf-8"), module.id


@pytest.mark.parametrize(
    "page, expected",
    [
        ("labs/h02_redox_cells/index", "1.10"),  # the Daniell cell in the computed table
        ("labs/h01_society/index", "417"),  # cells for the example school
        ("labs/h08_environment/index", "38"),  # BASC's 600 GWh lithium figure in the text
        ("labs/h09_careers/index", "★"),  # the example student's suggestions
        ("modules/h08_environment/01_materials", "<img"),  # the secured-share figure
        ("modules/h02_redox_cells/02_daniell", "<img"),  # the Daniell cell diagram
        ("labs/h03_battery_types/index", "鉛蓄電池 × 6 個"),  # series cells from the simulation
        ("labs/h05_factory_tour/index", "sd-tab-set"),  # the clickable process map
        ("labs/h05_factory_tour/index", "ドライ電極:"),  # the computed factory energy
        ("labs/h06_build_a_cell/index", "N/P 比"),  # the practicum cell's report
        ("labs/h07_safety/index", "熱伝達係数 200: 最高"),  # the cooling experiment
        ("modules/h05_factory_tour/03_inspection", "<table"),  # the generated inspection table
    ],
)
def test_activity_pages_show_their_computed_results(built_book, page, expected):
    assert expected in (built_book / f"{page}.html").read_text(encoding="utf-8")


def test_the_factory_tour_has_a_tab_for_every_step(built_book):
    from denchi import factory

    html = (built_book / "labs" / "h05_factory_tour" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="sd-tab-label"') >= len(factory.steps())
    for step in factory.steps():
        assert step.label_ja in html and step.inspection_ja in html, step.key
