"""Checks of company identifiers: ISO codes, VAT numbers, national ids (no ORM)."""

from __future__ import annotations

import pycountry
from django.utils.translation import gettext as _
from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret
from stdnum.ro import cui

# ISO country code → prefix of its EU VAT numbers (Greece writes EL).
EU_VAT_PREFIX = {cc.upper(): cc.upper() for cc in eu_vat.MEMBER_STATES if cc != "xi"}
EU_VAT_PREFIX["GR"] = "EL"


def country_error(country: str) -> str | None:
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        return _("Not an ISO 3166 country code.")
    return None


def currency_error(currency: str) -> str | None:
    if len(currency) != 3 or pycountry.currencies.get(alpha_3=currency) is None:
        return _("Not an ISO 4217 currency code.")
    return None


def clean_vat(country: str, number: str) -> tuple[str, str | None]:
    """The compact VAT number and the reason it is wrong (``None`` when right)."""
    number = "".join(number.split()).upper().replace("-", "").replace(".", "")
    if not number:
        return "", None
    prefix = EU_VAT_PREFIX.get(country)
    if prefix is not None:
        if not number.startswith(prefix):
            if number[:2].isalpha():
                return number, _("An EU VAT number of this country starts with %(prefix)s.") % {
                    "prefix": prefix
                }
            number = prefix + number
        try:
            return str(eu_vat.validate(number)), None
        except StdnumError:
            return number, _("Not a valid VAT number.")
    module = get_cc_module(country.lower(), "vat") if country else None
    if module is None:
        return number, None
    try:
        return str(module.validate(number)), None
    except StdnumError:
        return number, _("Not a valid VAT number.")


def clean_national_id(country: str, number: str) -> tuple[str, str | None]:
    """SIREN/SIRET in France, CUI/CIF in Romania; other countries are not checked."""
    number = "".join(number.split())
    if not number:
        return "", None
    if country == "FR":
        compact = siren.compact(number)
        if siren.is_valid(compact) or siret.is_valid(compact):
            return compact, None
        return number, _("Not a valid SIREN or SIRET number.")
    if country == "RO":
        compact = cui.compact(number)
        if cui.is_valid(compact):
            return compact, None
        return number, _("Not a valid CUI/CIF number.")
    return number, None
