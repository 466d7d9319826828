"""The test harness itself: xdist groups keep the book build and each assignment's grading in
one test process (pytest 9 with pytest-xdist 3.8 silently ignored them)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.mark.xdist_group("harness")
def test_xdist_groups_are_honoured(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith("@harness"), request.node.nodeid
