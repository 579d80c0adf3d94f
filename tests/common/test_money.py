from decimal import Decimal

import pytest

from common.money import format_eur, round_cents, share_of, times


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(Decimal("0.5"), 1), (Decimal("1.49"), 1), (Decimal("-0.5"), -1), (Decimal("2.5"), 3), (7, 7)],
)
def test_round_cents_rounds_halves_away_from_zero(amount, expected):
    assert round_cents(amount) == expected


def test_fee_shares_use_basis_points():
    assert share_of(10_000, 835) == 835
    assert share_of(1_999, 835) == 167  # 166.9165 → 167
    assert share_of(1_999, 1165) == 233  # 232.8835 → 233


def test_times_rounds_once():
    assert times(333, Decimal("1.5")) == 500  # 499.5 → 500
    assert times(250, 3) == 750


def test_french_format_uses_comma_and_non_breaking_spaces():
    assert format_eur(1250, "fr") == "12,50\u00a0€"
    assert format_eur(123456789, "fr") == "1\u202f234\u202f567,89\u00a0€"
    assert format_eur(-5, "fr") == "-0,05\u00a0€"


def test_english_format():
    assert format_eur(1250, "en") == "€12.50"
    assert format_eur(123456, "en") == "€1,234.56"


def test_allocate_splits_to_the_cent_by_largest_remainders():
    from common.money import allocate

    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(333, [600, 435]) == [193, 140]
    assert sum(allocate(999, [7, 0, 13, 5])) == 999
    assert allocate(50, [0, 0]) == [0, 0]
