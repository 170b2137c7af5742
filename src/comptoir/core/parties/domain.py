"""Pure checks on party identifiers: VAT numbers, national ids, IBAN, BIC, countries.

No ORM here. Each function returns the value in its one stored form
(``FR40303265045``, ``RO49AAAA1B31007593840000``) or raises
``ValidationFailed`` whose ``fields`` names the field at fault.
"""

from __future__ import annotations

import re
import unicodedata

import pycountry
import stdnum
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret
from stdnum.ro import cui
from stdnum.util import clean

from comptoir.core.kernel.errors import ValidationFailed

# EU VAT prefixes are ISO 3166 codes except Greece (EL) and Northern Ireland (XI).
_VAT_PREFIX = {"GR": "EL"}
_EU_PREFIXES = {code.upper() for code in eu_vat.MEMBER_STATES} | {"EL"}

# Legal forms ignored when comparing names for duplicates.
_LEGAL_FORMS = frozenset(
    {
        "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "selarl",  # FR
        "srl", "srld", "pfa", "ii", "if", "ra",  # RO
        "gmbh", "ag", "kg", "ohg", "ug", "ev",  # DE
        "ltd", "limited", "llc", "inc", "plc", "llp", "corp", "co",  # EN
        "bv", "nv", "spa", "sl", "sro", "oy", "ab", "as", "aps",  # others
    }
)  # fmt: skip


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=f"invalid_{field}", fields={field: message})


def normalize_name(name: str) -> str:
    """The name folded for duplicate detection: no case, accents, punctuation, legal form."""
    folded = unicodedata.normalize("NFKD", name or "").casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.findall(r"\w+", folded.replace(".", ""))  # S.A.S. -> sas
    kept = [w for w in words if w not in _LEGAL_FORMS] or words
    return " ".join(kept)[:200]


def normalize_country(value: str | None, *, field: str = "country") -> str:
    """An ISO 3166 alpha-2 code in capitals, or ``""`` for none."""
    code = (value or "").strip().upper()
    if not code:
        return ""
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise _fail(field, _("“%(value)s” is not an ISO 3166 country code.") % {"value": value})
    return code


def normalize_language(value: str | None) -> str:
    """An ISO 639-1 language code in lower case, or ``""``."""
    code = (value or "").strip().lower()
    if not code:
        return ""
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise _fail(
            "language", _("“%(value)s” is not an ISO 639-1 language code.") % {"value": value}
        )
    return code


def normalize_vat(value: str | None, country: str | None = None) -> str:
    """The VAT number compacted, with its country prefix, checked; ``""`` for none.

    EU numbers are checked by ``stdnum.eu.vat`` (format and check digits);
    a number typed without its prefix gets the prefix of ``country``.
    Numbers of other countries are checked by the country's ``stdnum``
    module when there is one.
    """
    raw = clean(value or "", " -./,:").upper().strip()
    if not raw:
        return ""
    cc = (country or "").strip().upper()
    if not raw[:2].isalpha():
        if not cc:
            raise _fail(
                "vat_number",
                _("Start the VAT number with its country code (FR, RO, DE…)."),
            )
        raw = _VAT_PREFIX.get(cc, cc) + raw
    prefix = raw[:2]
    try:
        if prefix in _EU_PREFIXES:
            return str(eu_vat.validate(raw))
        module = stdnum.get_cc_module(prefix.lower(), "vat")
        if module is None and cc and cc != prefix:
            # A national number that happens to start with letters (CHE-…).
            module = stdnum.get_cc_module(cc.lower(), "vat")
        if module is None:
            if pycountry.countries.get(alpha_2=prefix) is None:
                raise StdnumError()
            return raw
        return str(module.validate(raw))
    except StdnumError:
        raise _fail(
            "vat_number", _("“%(value)s” is not a valid VAT number.") % {"value": value}
        ) from None


def validate_national_id(value: str | None, country: str | None) -> str:
    """The company registration number checked for its country; ``""`` for none.

    France: a SIREN (9 digits) or a SIRET (14 digits). Romania: a CUI,
    also accepted in its CIF form with the ``RO`` prefix (stored without it).
    Other countries: kept as typed, compacted.
    """
    raw = clean(value or "", " -./").upper().strip()
    if not raw:
        return ""
    cc = (country or "").strip().upper()
    try:
        if cc == "FR":
            if len(raw) == 9:
                return str(siren.validate(raw))
            if len(raw) == 14:
                return str(siret.validate(raw))
            raise _fail(
                "national_id",
                _("A SIREN has 9 digits and a SIRET 14; this has %(n)s.") % {"n": len(raw)},
            )
        if cc == "RO":
            digits = raw[2:] if raw.startswith("RO") else raw
            return str(cui.validate(digits))
    except StdnumError:
        raise _fail(
            "national_id",
            _("“%(value)s” is not a valid company number for %(country)s.")
            % {"value": value, "country": cc},
        ) from None
    return raw


def validate_iban(value: str | None) -> str:
    """The IBAN compacted and checked (country, length, bank code, check digits)."""
    raw = (value or "").strip()
    if not raw:
        raise _fail("iban", _("Enter the IBAN."))
    try:
        return str(IBAN(raw).compact)
    except SchwiftyException:
        raise _fail("iban", _("“%(value)s” is not a valid IBAN.") % {"value": value}) from None


def validate_bic(value: str | None) -> str:
    """The BIC (SWIFT code) compacted and checked; ``""`` for none."""
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        return str(BIC(raw).compact)
    except SchwiftyException:
        raise _fail("bic", _("“%(value)s” is not a valid BIC.") % {"value": value}) from None


def bank_of(iban: str) -> tuple[str, str]:
    """The (BIC, bank name) schwifty's registry knows for ``iban``, or blanks."""
    try:
        parsed = IBAN(iban)
        bic = parsed.bic
        return (str(bic.compact) if bic else "", str(parsed.bank_name or ""))
    except (SchwiftyException, LookupError, ValueError):
        return "", ""
