"""The test harness itself: xdist groups keep the book build and each assignment's grading in
one test process (pytest 9 with pytest-xdist 3.8 silently ignored them), and the tests of a
module-scoped fixture in one process (tests/conftest.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.mark.xdist_group("harness")
def test_xdist_groups_are_honoured(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith("@harness"), request.node.nodeid


@pytest.fixture(scope="module")
def made_once():
    return object()


@pytest.mark.parametrize("case", range(4))
def test_tests_of_a_module_scoped_fixture_share_one_process(request, made_once, case):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith("@test_harness"), request.node.nodeid
