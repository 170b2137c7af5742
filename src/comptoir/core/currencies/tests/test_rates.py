import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.core.audit.models import AuditEntry
from comptoir.core.currencies.domain import detect_source, parse_rates
from comptoir.core.currencies.models import Currency, Rate
from comptoir.core.currencies.selectors import convert, rate_on
from comptoir.core.currencies.services import rate_set, rates_import
from comptoir.core.currencies.tests.factories import RateFactory
from comptoir.core.events.models import OutboxEvent
from comptoir.core.kernel.errors import NotFound, ValidationFailed

DATA = Path(__file__).parent / "data"
ECB = (DATA / "ecb-eurofxref.xml").read_bytes()
BNR = (DATA / "bnr-nbrfxrates.xml").read_bytes()
D = Decimal
DAY = dt.date(2024, 11, 20)

pytestmark = pytest.mark.django_db


def test_currencies_are_seeded():
    assert Currency.objects.get(code="EUR").minor_units == 2
    assert Currency.objects.get(code="JPY").minor_units == 0
    assert Currency.objects.get(code="KWD").minor_units == 3
    assert Currency.objects.get(code="RON").active
    assert not Currency.objects.get(code="XAU").active


def test_parse_samples():
    source, rates = parse_rates(ECB)
    assert source == "ecb" and len(rates) == 12
    assert {r.date for r in rates} == {DAY, dt.date(2024, 11, 19)}
    source, rates = parse_rates(BNR)
    assert source == "bnr"
    huf = next(r for r in rates if r.base == "HUF")
    assert (huf.quote, huf.rate) == ("RON", D("0.0121180000"))
    assert detect_source(BNR) == "bnr"


def test_ecb_import_then_rates(admin_user):
    result = rates_import(actor=admin_user, content=ECB, source="ecb")
    assert (result.created, result.updated) == (12, 0)
    assert result.dates == [dt.date(2024, 11, 19), DAY]
    assert rate_on(base="EUR", quote="USD", date=DAY) == D("1.0540")
    # The latest rate on or before the date: a Saturday uses Wednesday's.
    assert rate_on(base="EUR", quote="USD", date=dt.date(2024, 11, 23)) == D("1.0540")
    assert rate_on(base="EUR", quote="USD", date=dt.date(2024, 11, 19)) == D("1.0585")
    # Inverse
    assert convert(D("105.40"), "USD", "EUR", DAY) == D("100.00")
    # Crossed through EUR: USD → RON = RON per EUR / USD per EUR.
    assert rate_on(base="USD", quote="RON", date=DAY) == D("4.9766") / D("1.0540")
    assert convert(D("100"), "USD", "RON", DAY) == D("472.16")
    assert convert(D("1000"), "EUR", "JPY", DAY) == D("163560")
    with pytest.raises(NotFound) as exc:
        rate_on(base="EUR", quote="USD", date=dt.date(2024, 11, 18))
    assert exc.value.code == "rate_missing"
    assert AuditEntry.objects.filter(action="rate.import").count() == 1
    event = OutboxEvent.objects.get(name="RatesImported")
    assert event.payload == {
        "source": "ecb",
        "date": "2024-11-20",
        "date_from": "2024-11-19",
        "count": 12,
        "created": 12,
        "updated": 0,
    }


def test_reimport_is_idempotent_and_corrects(admin_user):
    rates_import(actor=admin_user, content=ECB, source="ecb")
    again = rates_import(actor=admin_user, content=ECB, source=None)
    assert (again.created, again.updated) == (0, 0)
    assert OutboxEvent.objects.filter(name="RatesImported").count() == 1  # nothing new
    corrected = ECB.replace(b'rate="1.0540"', b'rate="1.0541"')
    result = rates_import(actor=admin_user, content=corrected, source="ecb")
    assert (result.created, result.updated) == (0, 1)
    assert rate_on(base="EUR", quote="USD", date=DAY) == D("1.0541")


def test_bnr_import_then_eur_to_ron(admin_user):
    result = rates_import(actor=admin_user, content=BNR, source="bnr")
    assert result.created == 7 and result.dates == [DAY]
    assert Rate.objects.get(base="EUR", quote="RON", source="bnr").rate == D("4.9767")
    assert convert(D("100"), "EUR", "RON", DAY) == D("497.67")
    assert convert(D("497.67"), "RON", "EUR", DAY) == D("100.00")
    assert convert(D("10000"), "HUF", "RON", DAY) == D("121.18")
    # USD → EUR crossed through RON.
    crossed = rate_on(base="USD", quote="EUR", date=DAY)
    assert abs(crossed - D("4.7113") / D("4.9767")) < D("1e-20")


def test_bnr_beats_ecb_on_the_same_day_and_manual_beats_both(admin_user):
    rates_import(actor=admin_user, content=ECB, source="ecb")
    rates_import(actor=admin_user, content=BNR, source="bnr")
    assert rate_on(base="EUR", quote="RON", date=DAY) == D("4.9767")
    assert rate_on(base="USD", quote="RON", date=DAY) == D("4.7113")
    rate_set(actor=admin_user, base="EUR", quote="RON", date=DAY, rate="4.9800")
    assert rate_on(base="EUR", quote="RON", date=DAY) == D("4.9800")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<not-closed",
        b"<html><body>hello</body></html>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        ECB.replace(b'rate="1.0540"', b'rate="abc"'),
        ECB.replace(b'time="2024-11-20"', b'time="20/11/2024"'),
        BNR.replace(b">4.9767<", b">-4.9767<"),
        BNR.replace(b'currency="EUR"', b'currency="euro"'),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(admin_user, content):
    with pytest.raises(ValidationFailed) as exc:
        rates_import(actor=admin_user, content=content, source=None)
    assert list(exc.value.fields) == ["file"]
    assert not Rate.objects.exists()


def test_source_must_match_the_file(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        rates_import(actor=admin_user, content=BNR, source="ecb")
    assert "ECB" in exc.value.fields["file"][0]
    assert not Rate.objects.exists()


def test_rate_set_validates_and_updates(admin_user):
    rate = rate_set(actor=admin_user, base="eur", quote="usd", date=DAY, rate="1.05")
    assert (rate.base, rate.quote, rate.source) == ("EUR", "USD", "manual")
    again = rate_set(actor=admin_user, base="EUR", quote="USD", date=DAY, rate="1.06")
    assert again.pk == rate.pk and again.rate == D("1.06")
    for bad in ({"base": "ZZZ"}, {"quote": "EUR"}, {"rate": "0"}, {"rate": "1.00000000001"}):
        kwargs = {"base": "EUR", "quote": "USD", "date": DAY, "rate": "1.05", **bad}
        with pytest.raises(ValidationFailed) as exc:
            rate_set(actor=admin_user, **kwargs)
        assert set(exc.value.fields) & {"base", "quote", "rate"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    pair=st.sampled_from(
        [("EUR", "USD"), ("USD", "RON"), ("EUR", "JPY"), ("GBP", "HUF"), ("RON", "CHF")]
    ),
)
def test_convert_round_trip_within_rounding(company, amount, pair):
    if not Rate.objects.exists():
        rates_import(actor=None, content=ECB, source="ecb")
    a, b = pair
    there = convert(amount, a, b, DAY)
    back = convert(there, b, a, DAY)
    half_a = D("0.005") if a != "JPY" else D("0.5")
    half_b = D("0.005") if b != "JPY" else D("0.5")
    rate_ba = rate_on(base=b, quote=a, date=DAY)
    assert abs(back - amount) <= half_a + half_b * rate_ba


def test_factory_rate_lookup():
    RateFactory(base="GBP", quote="USD", rate=D("1.27"))
    assert rate_on(base="GBP", quote="USD", date=DAY) == D("1.27")
