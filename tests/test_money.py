"""Money rules: exact decimals, rounding per currency, allocations that add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.kernel.errors import ValidationFailed
from comptoir.core.kernel.money import allocate, format_money, minor_units, round_money, to_decimal


def test_each_currency_rounds_to_its_own_minor_unit() -> None:
    assert round_money(Decimal("10.005"), "EUR") == Decimal("10.01")
    assert round_money(Decimal("10.004"), "RON") == Decimal("10.00")
    assert round_money(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert round_money(Decimal("1.2345"), "KWD") == Decimal("1.235")
    assert minor_units("eur") == 2


def test_floats_are_refused_as_money() -> None:
    with pytest.raises(TypeError):
        round_money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_decimal(0.1)


def test_bad_decimal_input_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as error:
        to_decimal("12,5x", field="unit_price")
    assert error.value.fields == {"unit_price": ["Not a decimal number."]}
    with pytest.raises(ValidationFailed):
        to_decimal("NaN", field="unit_price")


def test_money_is_written_as_the_reader_writes_it() -> None:
    assert (
        format_money(Decimal("1234.5"), "EUR", "fr").replace("\u202f", " ").replace("\xa0", " ")
        == "1 234,50 €"
    )
    assert format_money(Decimal("1234.5"), "EUR", "en") == "€1,234.50"


def test_a_third_split_three_ways_still_adds_up() -> None:
    parts = allocate(Decimal("100.00"), [Decimal(1)] * 3, "EUR")
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2)
weights = st.lists(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2),
    min_size=1,
    max_size=12,
)


@given(total=amounts, parts=weights, currency=st.sampled_from(["EUR", "RON", "JPY", "KWD"]))
def test_an_allocation_always_sums_exactly_to_its_total(
    total: Decimal, parts: list[Decimal], currency: str
) -> None:
    result = allocate(total, parts, currency)
    assert sum(result, Decimal(0)) == round_money(total, currency)
    assert all(r == round_money(r, currency) for r in result)


@given(
    amount=st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**9), max_value=10**9
    )
)
def test_rounding_is_idempotent_and_within_half_a_unit(amount: Decimal) -> None:
    once = round_money(amount, "EUR")
    assert round_money(once, "EUR") == once
    assert abs(once - amount) <= Decimal("0.005")
