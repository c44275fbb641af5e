"""Danish number formats: decimal comma, thousands full stop, rounding half up."""

from __future__ import annotations

import pytest

from klyngepakke.danish import (
    NO_VALUE,
    format_count,
    format_decimal,
    format_number,
    format_percent,
    format_points,
    format_signed,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (7, "7"), (999, "999"), (1331, "1.331"), (1234567, "1.234.567"), (-4200, "-4.200")],
)
def test_count_separates_thousands_with_full_stops(value: int, expected: str) -> None:
    assert format_count(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (2.9, 1, "2,9"),
        (2.85, 1, "2,9"),  # half up as written, though the float is just below 2.85
        (0.125, 2, "0,13"),
        (12.5, 0, "13"),  # Python's round() would give 12
        (-2.5, 0, "-3"),  # half away from zero
        (1234.5, 1, "1.234,5"),
        (-1234.56, 1, "-1.234,6"),
        (1000000, 0, "1.000.000"),
        (5, 1, "5,0"),
        (0.004, 2, "0,00"),
    ],
)
def test_decimal_rounds_half_up_with_a_decimal_comma(
    value: float, places: int, expected: str
) -> None:
    assert format_decimal(value, places) == expected


@pytest.mark.parametrize("value", [-0.04, -0.0, -1e-12])
def test_decimal_never_shows_minus_zero(value: float) -> None:
    assert format_decimal(value, 1) == "0,0"


def test_decimal_takes_numpy_numbers() -> None:
    numpy = pytest.importorskip("numpy")
    assert format_decimal(numpy.float64(2.85), 1) == "2,9"
    assert format_decimal(numpy.int64(1500), 0) == "1.500"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, NO_VALUE), (12.0, "12"), (12, "12"), (12.25, "12,3"), (1500.0, "1.500"), (0.05, "0,1")],
)
def test_number_shows_whole_numbers_without_decimals(value: float | None, expected: str) -> None:
    assert format_number(value) == expected


def test_percent_has_a_space_before_the_sign() -> None:
    assert format_percent(72.5) == "73 %"
    assert format_percent(12.5) == "13 %"
    assert format_percent(100) == "100 %"
    assert format_percent(33.333, 1) == "33,3 %"
    assert format_percent(None) == NO_VALUE == "–"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.3, 1, "+0,3"),
        (-1.2, 1, "-1,2"),
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),
        (0, 1, "0,0"),
        (1000, 0, "+1.000"),
        (0.05, 1, "+0,1"),
    ],
)
def test_signed_shows_plus_except_at_zero(value: float, places: int, expected: str) -> None:
    assert format_signed(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, "+5 pp"), (-3.4, "-3 pp"), (0.4, "0 pp"), (-0.4, "0 pp"), (2.5, "+3 pp"), (-2.5, "-3 pp")],
)
def test_points_are_whole_signed_percentage_points(value: float, expected: str) -> None:
    assert format_points(value) == expected
