"""The identifier checks, one country at a time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.kernel.errors import ValidationFailed
from comptoir.core.parties import domain


def _field(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return list(exc.value.fields)


class TestVat:
    @pytest.mark.parametrize(
        ("typed", "country", "stored"),
        [
            ("FR 40 303 265 045", "FR", "FR40303265045"),
            ("40303265045", "FR", "FR40303265045"),
            ("fr40303265045", None, "FR40303265045"),
            ("RO18547290", "RO", "RO18547290"),
            ("185 472 90", "RO", "RO18547290"),
            ("DE136695976", "DE", "DE136695976"),
            ("136695976", "DE", "DE136695976"),
            ("DE 136 695 976", "FR", "DE136695976"),  # a German number of a French-run party
            ("", "FR", ""),
        ],
    )
    def test_valid_numbers_are_stored_compact_with_prefix(
        self, typed: str, country: str | None, stored: str
    ) -> None:
        assert domain.normalize_vat(typed, country) == stored

    @pytest.mark.parametrize(
        ("typed", "country"),
        [
            ("FR40303265046", "FR"),  # wrong key
            ("RO18547291", "RO"),  # wrong check digit
            ("DE136695977", "DE"),
            ("DE12345", "DE"),  # too short
            ("12345678", None),  # no prefix, no country
            ("XX123456789", None),  # no such country
            ("hello", "FR"),
        ],
    )
    def test_invalid_numbers_name_the_vat_field(self, typed: str, country: str | None) -> None:
        with pytest.raises(ValidationFailed) as exc:
            domain.normalize_vat(typed, country)
        assert _field(exc) == ["vat_number"]

    @given(st.text(max_size=20), st.sampled_from(["FR", "RO", "DE", "BE", "GR", "CH", "", None]))
    def test_normalizing_twice_changes_nothing(self, typed: str, country: str | None) -> None:
        try:
            once = domain.normalize_vat(typed, country)
        except ValidationFailed:
            return
        assert domain.normalize_vat(once, country) == once

    @given(st.integers(min_value=0, max_value=99_999_999))
    def test_every_french_number_built_from_a_siren_is_accepted(self, body: int) -> None:
        from stdnum import luhn

        stem = f"{body:08d}"
        siren = stem + luhn.calc_check_digit(stem)
        key = (12 + 3 * (int(siren) % 97)) % 97
        typed = f"FR {key:02d} {siren}"
        assert domain.normalize_vat(typed, "FR") == f"FR{key:02d}{siren}"
        assert (
            domain.normalize_vat(domain.normalize_vat(typed, "FR"), "FR") == f"FR{key:02d}{siren}"
        )


class TestNationalId:
    @pytest.mark.parametrize(
        ("typed", "country", "stored"),
        [
            ("552 008 443", "FR", "552008443"),  # SIREN
            ("732 829 320 00074", "FR", "73282932000074"),  # SIRET
            ("18547290", "RO", "18547290"),  # CUI
            ("RO18547290", "RO", "18547290"),  # CIF with the RO prefix
            ("HRB 12345", "DE", "HRB12345"),  # kept as typed elsewhere
            ("", "FR", ""),
        ],
    )
    def test_valid(self, typed: str, country: str, stored: str) -> None:
        assert domain.validate_national_id(typed, country) == stored

    @pytest.mark.parametrize(
        ("typed", "country"),
        [
            ("552008444", "FR"),  # SIREN, wrong Luhn digit
            ("73282932000075", "FR"),  # SIRET, wrong Luhn digit
            ("1234567", "FR"),  # neither 9 nor 14 digits
            ("18547291", "RO"),  # CUI, wrong check digit
            ("RO1854729X", "RO"),
        ],
    )
    def test_invalid_names_national_id(self, typed: str, country: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            domain.validate_national_id(typed, country)
        assert _field(exc) == ["national_id"]


class TestBank:
    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("RO49 AAAA 1B31 0075 9384 0000", "RO49AAAA1B31007593840000"),
            ("fr14 2004 1010 0505 0001 3m02 606", "FR1420041010050500013M02606"),
            ("DE89370400440532013000", "DE89370400440532013000"),
        ],
    )
    def test_valid_iban(self, typed: str, stored: str) -> None:
        assert domain.validate_iban(typed) == stored

    @pytest.mark.parametrize(
        "typed", ["DE89370400440532013001", "RO49AAAA1B3100759384000", "XX00123", "", "hello"]
    )
    def test_invalid_iban_names_iban(self, typed: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            domain.validate_iban(typed)
        assert _field(exc) == ["iban"]

    @pytest.mark.parametrize(
        ("typed", "stored"),
        [("BTRLRO22", "BTRLRO22"), ("cobadeffxxx", "COBADEFFXXX"), ("", "")],
    )
    def test_valid_bic(self, typed: str, stored: str) -> None:
        assert domain.validate_bic(typed) == stored

    @pytest.mark.parametrize("typed", ["BTRLXX22", "BTRL", "BTRLRO22XXXX1"])
    def test_invalid_bic_names_bic(self, typed: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            domain.validate_bic(typed)
        assert _field(exc) == ["bic"]

    def test_the_bank_is_found_from_a_german_iban(self) -> None:
        assert domain.bank_of("DE89370400440532013000")[0] == "COBADEFFXXX"


class TestCountryAndName:
    def test_country_codes(self) -> None:
        assert domain.normalize_country("ro") == "RO"
        assert domain.normalize_country("") == ""
        for bad in ("XX", "FRA", "F"):
            with pytest.raises(ValidationFailed) as exc:
                domain.normalize_country(bad)
            assert _field(exc) == ["country"]

    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("Dupont S.A.S.", "DUPONT sas"),
            ("Carpați Trading SRL", "carpati trading"),
            ("  Müller   GmbH ", "muller"),
        ],
    )
    def test_names_fold_for_duplicates(self, a: str, b: str) -> None:
        assert domain.normalize_name(a) == domain.normalize_name(b)

    def test_a_name_made_only_of_a_legal_form_is_kept(self) -> None:
        assert domain.normalize_name("SA") == "sa"

    @given(st.text(max_size=50))
    def test_folding_is_idempotent(self, name: str) -> None:
        once = domain.normalize_name(name)
        assert domain.normalize_name(once) == once
