"""VAT per rate: computed once per rate on the VAT-inclusive total (half up), adding up to
the cent whatever the lines."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from common.money import format_vat_rate, vat_breakdown, vat_included

RATES = [550, 1000, 2000]


@pytest.mark.parametrize(
    ("incl", "rate", "vat"),
    [
        (1055, 550, 55),  # 10,00 € + 5,5 %: exact
        (1000, 550, 52),  # 1000 × 5,5 / 105,5 = 52,13
        (900, 550, 47),  # 46,92
        (211, 550, 11),  # 11,00
        (1100, 1000, 100),  # exact
        (435, 1000, 40),  # 39,55
        (1, 1000, 0),  # 0,09
        (1200, 2000, 200),  # exact
        (199, 2000, 33),  # 33,17
        (3, 2000, 1),  # exactly 0,5: half up (to even would give 0)
        (0, 2000, 0),
    ],
)
def test_the_vat_inside_a_vat_inclusive_amount(incl, rate, vat):
    assert vat_included(incl, rate) == vat


def test_lines_of_one_rate_are_added_up_before_the_one_rounding():
    # Three lines of 0,03 € at 20 %: 0,005 € each would round to 1 cent each (3 cents), once
    # on the total of 0,09 € it is 0,015 € → 2 cents.
    breakdown = vat_breakdown([(2000, 3), (2000, 3), (2000, 3)])
    (twenty,) = breakdown.rates
    assert (twenty.total_incl_cents, twenty.vat_cents, twenty.total_excl_cents) == (9, 2, 7)


def test_a_breakdown_has_one_row_per_rate_lowest_first_and_totals_to_the_cent():
    breakdown = vat_breakdown([(2000, 1200), (550, 1000), (1000, 435), (550, 55)])
    assert [
        (r.rate, r.total_incl_cents, r.vat_cents, r.total_excl_cents) for r in breakdown.rates
    ] == [
        (550, 1055, 55, 1000),
        (1000, 435, 40, 395),
        (2000, 1200, 200, 1000),
    ]
    assert (breakdown.total_incl_cents, breakdown.vat_cents, breakdown.total_excl_cents) == (
        2690,
        295,
        2395,
    )


def test_nothing_bought_is_no_vat():
    breakdown = vat_breakdown([])
    assert breakdown.rates == () and breakdown.total_incl_cents == breakdown.vat_cents == 0


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        vat_breakdown([(550, -1)])


lines = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(RATES), st.integers(min_value=0, max_value=10_000)),
        st.integers(min_value=0, max_value=10_000_000),
    ),
    max_size=40,
)


@given(lines, st.randoms())
def test_per_rate_amounts_add_up_to_the_cent(lines, random):
    breakdown = vat_breakdown(lines)
    assert breakdown.total_incl_cents == sum(cents for _rate, cents in lines)
    assert breakdown.total_excl_cents + breakdown.vat_cents == breakdown.total_incl_cents
    assert [r.rate for r in breakdown.rates] == sorted({rate for rate, _cents in lines})
    for row in breakdown.rates:
        incl = sum(cents for rate, cents in lines if rate == row.rate)
        assert row.total_incl_cents == incl
        assert row.total_excl_cents + row.vat_cents == incl
        assert 0 <= row.vat_cents <= incl
        # The one rule: round half up the exact VAT of the rate's total.
        exact = Decimal(incl) * row.rate / (10_000 + row.rate)
        assert row.vat_cents == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert abs(row.vat_cents - exact) <= Decimal("0.5")
    shuffled = list(lines)
    random.shuffle(shuffled)
    assert vat_breakdown(shuffled) == breakdown  # the order of the lines does not matter


def test_rates_are_written_the_french_way_and_the_english_way():
    with translation.override("fr"):
        assert [format_vat_rate(r) for r in RATES] == ["5,5\u00a0%", "10\u00a0%", "20\u00a0%"]
        assert format_vat_rate(210) == "2,1\u00a0%"
    with translation.override("en"):
        assert [format_vat_rate(r) for r in RATES] == ["5.5%", "10%", "20%"]
