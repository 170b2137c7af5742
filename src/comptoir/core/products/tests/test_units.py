from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.kernel.errors import Conflict, ValidationFailed
from comptoir.core.products.domain import STANDARD_UNITS, convert, round_step
from comptoir.core.products.models import Unit
from comptoir.core.products.services import unit_create, unit_update, units_seed

D = Decimal


def _u(code, category, factor, rounding="0.001"):
    return SimpleNamespace(code=code, category=category, factor=D(factor), rounding=D(rounding))


KG, G, T = _u("kg", "weight", "1"), _u("g", "weight", "0.001", "0.01"), _u("t", "weight", "1000")
H, DAY = _u("h", "time", "1", "0.01"), _u("day", "time", "8", "0.01")


def test_convert_within_a_category():
    assert convert(D("2.5"), KG, G) == D("2500.00")
    assert convert(D("1500"), G, KG) == D("1.500")
    assert convert(D("1234"), KG, T) == D("1.234")
    assert convert(D("12"), H, DAY) == D("1.50")


def test_convert_rounds_to_the_target_step():
    assert convert(D("1"), G, _u("kg", "weight", "1", "0.5")) == D("0.0")
    assert convert(D("300"), G, _u("kg", "weight", "1", "0.5")) == D("0.5")
    assert convert(D("1.2345"), KG, G) == D("1234.50")
    assert convert(D("1.2345"), KG, G, rounded=False) == D("1234.5")


def test_round_step():
    assert round_step(D("7"), D("5")) == D("5")
    assert round_step(D("7.5"), D("5")) == D("10")
    assert round_step(D("1.005"), D("0.01")) == D("1.01")
    assert round_step(D("3"), D("1.000000000")) == D("3")


def test_convert_across_categories_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        convert(D("1"), KG, H)
    assert exc.value.code == "unit_category_mismatch"


def test_convert_refuses_floats():
    with pytest.raises(TypeError):
        convert(1.5, KG, G)  # type: ignore[arg-type]


@given(
    quantity=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False),
    pair=st.sampled_from([(KG, G), (G, KG), (KG, T), (T, KG), (H, DAY), (DAY, H)]),
)
def test_convert_round_trip_stays_within_rounding(quantity, pair):
    a, b = pair
    back = convert(convert(quantity, a, b), b, a)
    # Each leg may lose half a step of its target unit.
    tolerance = a.rounding / 2 + (b.rounding / 2) * b.factor / a.factor
    assert abs(back - quantity) <= tolerance


@pytest.mark.django_db
def test_units_seed_creates_the_standard_units_once(company):
    created = units_seed(company)
    assert {u.code for u in created} == {row[0] for row in STANDARD_UNITS}
    assert units_seed(company) == []
    dozen = Unit.objects.get(company=company, code="dozen")
    unit = Unit.objects.get(company=company, code="unit")
    assert convert(D("3"), dozen, unit) == D("36")
    m3 = Unit.objects.get(company=company, code="m3")
    ml = Unit.objects.get(company=company, code="ml")
    assert convert(D("0.002"), m3, ml) == D("2000")


@pytest.mark.django_db
def test_unit_create_and_duplicate(company, admin_user):
    unit = unit_create(
        actor=admin_user, company=company, code="box", name="Box", category="unit", factor="6"
    )
    assert unit.factor == D(6)
    with pytest.raises(Conflict) as exc:
        unit_create(actor=admin_user, company=company, code="box", name="Box", category="unit")
    assert exc.value.fields == {"code": ["Already used."]}
    with pytest.raises(ValidationFailed):
        unit_create(
            actor=admin_user, company=company, code="x", name="X", category="unit", factor="0"
        )
    with pytest.raises(ValidationFailed):
        unit_create(actor=admin_user, company=company, code="y", name="Y", category="speed")


@pytest.mark.django_db
def test_unit_update(company, admin_user):
    unit = unit_create(actor=admin_user, company=company, code="box", name="Box", category="unit")
    unit = unit_update(actor=admin_user, unit=unit, name="Carton", factor=D("12"))
    unit.refresh_from_db()
    assert unit.name == "Carton" and unit.factor == D(12)
