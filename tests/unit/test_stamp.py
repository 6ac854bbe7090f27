"""Footer geometry: upright on rotated pages, inside offset boxes, scaled to tiny and huge pages."""

from __future__ import annotations

import re

import pytest

from parolekit.stamp import display_matrix, footer_text, stamp_stream, visible_box


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_display_origin_and_axes(rotate):
    box = visible_box([-10, -20, 642, 832], None)
    m, w, h = display_matrix(box, rotate)
    corners = {_apply(m, 0, 0), _apply(m, w, 0), _apply(m, 0, h), _apply(m, w, h)}
    assert corners == {(-10, -20), (642, -20), (-10, 832), (642, 832)}
    # The displayed bottom edge is the one the viewer shows at the bottom after /Rotate.
    bottom_user = {0: (-10, -20), 90: (642, -20), 180: (642, 832), 270: (-10, 832)}[rotate]
    assert _apply(m, 0, 0) == bottom_user


def test_cropbox_limits_the_visible_box():
    assert visible_box([0, 0, 612, 1008], [0, 108, 612, 900]) == visible_box([0, 108, 612, 900], None)


def _font_size(stream: bytes) -> float:
    return float(re.search(rb"/PKStamp ([\d.]+) Tf", stream).group(1))


def test_stamp_scales_to_page():
    text = footer_text(12, 340, "C", 2, 5)
    assert text == "Exhibit C, p. 2 of 5   |   Page 12 of 340"
    letter = _font_size(stamp_stream(text, [0, 0, 612, 792], None, 0))
    tiny = _font_size(stamp_stream(text, [0, 0, 144, 18], None, 0))
    huge = _font_size(stamp_stream(text, [0, 0, 8400, 8400], None, 0))
    assert letter == 8 and tiny < 5.5 and huge > 80


def test_footer_parts():
    assert footer_text(3, 9) == "Page 3 of 9"
    assert footer_text(3, 9, "B") == "Exhibit B   |   Page 3 of 9"
    assert footer_text(3, 9, bates="X-000003", volume=(1, 2)) == "Page 3 of 9   |   Volume 1 of 2   |   X-000003"


def test_long_footer_on_a_tiny_page_stacks_instead_of_vanishing():
    text = footer_text(1234, 5678, "AB", 12, 340, bates="PEREZ-001234", volume=(2, 3))
    one_line = stamp_stream("x", [0, 0, 612, 792], None, 0)  # sanity: a normal page is one line
    assert one_line.count(b" Tj") == 1
    single = _font_size(stamp_stream(text, [0, 0, 612, 792], None, 0))
    stream = stamp_stream(text, [0, 0, 144, 40], None, 0)
    assert stream.count(b" Tj") >= 2 and _font_size(stream) >= 4.0 and single == 8
    for part in text.split("   |   "):
        assert part.encode() in stream
