"""The demo company: a believable French (or Romanian) business to click through.

``load_demo(country="FR")`` creates the company, one user per role (password
``demo``), about 50 customers and 20 suppliers with valid SIREN/VAT or
CUI/CIF numbers and IBANs, 100 products with units and categories, and
exchange rates for EUR, USD, RON and GBP. Loading twice loads nothing twice;
loading into a database that holds real (non-demo) data is refused unless
``force=True``. Later issues add their demo data here (ledger, invoices…).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from schwifty import IBAN
from stdnum import luhn
from stdnum.ro import cui

from comptoir.core.companies.models import Company
from comptoir.core.identity.models import Role, User
from comptoir.core.identity.roles import ROLE_CODES, ROLES
from comptoir.core.kernel.errors import Conflict, ValidationFailed

DEMO_PASSWORD = "demo"  # noqa: S105 - printed on purpose: demo only

# What later offices add to the demo (the ledger's months of activity…), registered from
# their ``AppConfig.ready()`` since the core never imports them. Each extension is called
# with the demo company and a seeded ``random.Random`` every time ``load_demo`` runs, also
# on a company loaded before: it adds what is missing and skips what is there.
DemoExtension = Callable[[Company, random.Random | None], object]
DEMO_EXTENSIONS: list[DemoExtension] = []


def register_demo_extension(func: DemoExtension) -> DemoExtension:
    """Add ``func`` to the demo (once, however often it is registered)."""
    if func not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(func)
    return func


def _run_extensions(company: Company, cast: CountryCast) -> None:
    for extension in DEMO_EXTENSIONS:
        extension(company, random.Random(f"comptoir-demo-{cast.code}-{extension.__module__}"))


@dataclass(frozen=True)
class CountryCast:
    code: str
    company_code: str
    name: str
    currency: str
    locale: str
    street: str
    postal_code: str
    city: str
    cities: tuple[tuple[str, str], ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    org_words: tuple[str, ...]
    legal_forms: tuple[str, ...]


FR = CountryCast(
    code="FR",
    company_code="demo-fr",
    name="Atelier Lumière SAS",
    currency="EUR",
    locale="fr",
    street="12 rue des Lilas",
    postal_code="75011",
    city="Paris",
    cities=(
        ("75002", "Paris"),
        ("69002", "Lyon"),
        ("13001", "Marseille"),
        ("31000", "Toulouse"),
        ("33000", "Bordeaux"),
        ("59000", "Lille"),
        ("44000", "Nantes"),
        ("67000", "Strasbourg"),
        ("35000", "Rennes"),
        ("34000", "Montpellier"),
        ("06000", "Nice"),
        ("21000", "Dijon"),
    ),
    first_names=(
        "Camille",
        "Louis",
        "Chloé",
        "Hugo",
        "Léa",
        "Jules",
        "Manon",
        "Arthur",
        "Inès",
        "Paul",
    ),
    last_names=(
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
    ),
    org_words=(
        "Boulangerie",
        "Menuiserie",
        "Hôtel",
        "Cabinet",
        "Librairie",
        "Garage",
        "Studio",
        "Atelier",
        "Brasserie",
        "Pharmacie",
        "Imprimerie",
        "Fromagerie",
        "Cave",
        "Galerie",
        "Clinique",
    ),
    legal_forms=("SARL", "SAS", "SA", "EURL", "SASU"),
)
RO = CountryCast(
    code="RO",
    company_code="demo-ro",
    name="Carpați Lumină SRL",
    currency="RON",
    locale="ro",
    street="Strada Memorandumului 28",
    postal_code="400114",
    city="Cluj-Napoca",
    cities=(
        ("010011", "București"),
        ("400114", "Cluj-Napoca"),
        ("300006", "Timișoara"),
        ("700028", "Iași"),
        ("500030", "Brașov"),
        ("900178", "Constanța"),
        ("410087", "Oradea"),
        ("550163", "Sibiu"),
    ),
    first_names=(
        "Andrei",
        "Ioana",
        "Mihai",
        "Elena",
        "Alexandru",
        "Maria",
        "Radu",
        "Ana",
        "Vlad",
        "Irina",
    ),
    last_names=(
        "Popescu",
        "Ionescu",
        "Popa",
        "Dumitru",
        "Stan",
        "Stoica",
        "Gheorghe",
        "Matei",
        "Ciobanu",
        "Rusu",
    ),
    org_words=(
        "Brutăria",
        "Tâmplăria",
        "Hotel",
        "Cabinet",
        "Librăria",
        "Service Auto",
        "Studio",
        "Atelier",
        "Berăria",
        "Farmacia",
        "Tipografia",
        "Crama",
        "Galeria",
        "Clinica",
        "Ferma",
    ),
    legal_forms=("SRL", "SA", "SNC", "SRL-D"),
)
CASTS = {"FR": FR, "RO": RO}


def _siren(rng: random.Random) -> str:
    body = f"{rng.randrange(10**7, 10**8):08d}"
    return body + luhn.calc_check_digit(body)


def _fr_vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _cui(rng: random.Random) -> str:
    body = str(rng.randrange(10**6, 10**8))
    return body + cui.calc_check_digit(body)


def _iban(country: str, rng: random.Random) -> str:
    if country == "FR":
        bank = rng.choice(["30004", "30003", "10107", "20041"])
        return str(
            IBAN.generate(
                "FR",
                bank_code=bank + f"{rng.randrange(10**5):05d}",
                account_code=f"{rng.randrange(10**10):011d}",
            )
        )
    bank = rng.choice(["BTRL", "RNCB", "BRDE", "INGB"])
    return str(IBAN.generate("RO", bank_code=bank, account_code=f"{rng.randrange(10**15):016d}"))


STREETS = {
    "FR": ("rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire", "rue du Commerce"),
    "RO": ("Strada Republicii", "Bulevardul Unirii", "Strada Mihai Eminescu", "Calea Victoriei"),
}


def _phone(country: str, rng: random.Random) -> str:
    digits = "".join(f"{rng.randrange(10, 99)}" for _ in range(4))
    if country == "FR":
        return "+33 1 " + " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return f"+40 7{digits[:2]} {digits[2:5]} {digits[5:8]}"


def _ascii(text: str) -> str:
    """Lower-case letters and digits of ``text`` with accents removed (for e-mail addresses)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) of every demo user."""
    return [(spec.code, spec.name) for spec in ROLES]


def _check_database_is_demo(force: bool) -> None:
    if force:
        return
    real = Company.objects.filter(is_demo=False)
    if real.exists():
        raise Conflict(
            "This database holds real companies ({}); the demo loads only into an empty or "
            "demo database. Use --force to load it anyway.".format(
                ", ".join(real.values_list("code", flat=True))
            ),
            code="database_not_demo",
        )


@transaction.atomic
def load_demo(
    *, country: str = "FR", force: bool = False
) -> tuple[Company, list[tuple[str, str]], bool]:
    """Load the demo for ``country``. Returns (company, logins, created)."""
    cast = CASTS.get(country.upper())
    if cast is None:
        raise ValidationFailed(
            f"No demo for country {country}; choose FR or RO.", fields={"country": "FR or RO."}
        )
    _check_database_is_demo(force)
    existing = Company.objects.filter(code=cast.company_code).first()
    if existing is not None:
        _demo_users(existing)
        _run_extensions(existing, cast)
        return existing, demo_logins(), False
    rng = random.Random(f"comptoir-demo-{cast.code}")
    company = _demo_company(cast, rng)
    _demo_users(company)
    _demo_parties(company, cast, rng)
    _demo_products(company, cast, rng)
    _demo_rates()
    _run_extensions(company, cast)
    return company, demo_logins(), True


def _demo_company(cast: CountryCast, rng: random.Random) -> Company:
    if cast.code == "FR":
        national_id = _siren(rng)
        vat = _fr_vat(national_id)
        register = f"RCS Paris {national_id[:3]} {national_id[3:6]} {national_id[6:]}"
    else:
        national_id = _cui(rng)
        vat = f"RO{national_id}"
        register = "J12/1234/2019"
    return Company.objects.create(
        code=cast.company_code,
        name=cast.name,
        legal_name=cast.name,
        country=cast.code,
        currency=cast.currency,
        locale=cast.locale,
        vat_number=vat,
        national_id=national_id,
        trade_register=register,
        share_capital=Decimal("50000.00"),
        street=cast.street,
        postal_code=cast.postal_code,
        city=cast.city,
        email=f"contact@{cast.company_code}.example",
        is_demo=True,
    )


def _demo_users(company: Company) -> None:
    roles = {r.code: r for r in Role.objects.all()}
    for code in ROLE_CODES:
        user = User.objects.filter(username=code).first()
        if user is None:
            user = User.objects.create_user(
                username=code,
                password=DEMO_PASSWORD,
                email=f"{code}@{company.code}.example",
                first_name=roles[code].name if code in roles else code,
                is_staff=code == "admin",
            )
            user.roles.add(roles[code])
        user.companies.add(company)
        if user.current_company_id is None:
            user.current_company = company
            user.save(update_fields=["current_company"])


def _demo_parties(company: Company, cast: CountryCast, rng: random.Random) -> None:
    from comptoir.core.parties.models import Address, BankAccount, Party

    names: set[str] = set()
    for index in range(70):
        is_supplier = index >= 50
        while True:
            word, surname = rng.choice(cast.org_words), rng.choice(cast.last_names)
            name = f"{word} {surname} {rng.choice(cast.legal_forms)}"
            if name not in names:
                names.add(name)
                break
        if cast.code == "FR":
            national_id = _siren(rng)
            vat = _fr_vat(national_id)
        else:
            national_id = _cui(rng)
            vat = f"RO{national_id}"
        postal_code, city = rng.choice(cast.cities)
        slug = _ascii(name)[:20]
        party = Party.objects.create(
            company=company,
            kind=Party.Kind.ORGANISATION,
            name=name,
            is_customer=not is_supplier or index % 5 == 0,
            is_supplier=is_supplier,
            email=f"contact@{slug}.example",
            phone=_phone(cast.code, rng),
            vat_number=vat,
            national_id=national_id,
            country=cast.code,
            language=cast.locale,
            city=city,
        )
        Address.objects.create(
            company=company,
            party=party,
            kind=Address.Kind.BILLING,
            street=f"{rng.randrange(1, 120)} {rng.choice(STREETS[cast.code])}",
            postal_code=postal_code,
            city=city,
            country=cast.code,
            is_default=True,
        )
        BankAccount.objects.create(company=company, party=party, iban=_iban(cast.code, rng))
        if index % 3 == 0:
            Party.objects.create(
                company=company,
                kind=Party.Kind.PERSON,
                name=f"{rng.choice(cast.first_names)} {rng.choice(cast.last_names)}",
                parent=party,
                email=f"{_ascii(rng.choice(cast.first_names))}@{slug}.example",
                country=cast.code,
            )


PRODUCT_LINES = (
    (
        "goods",
        "Lighting",
        ("Pendant lamp", "Desk lamp", "Floor lamp", "Wall sconce", "LED strip"),
        "unit",
        ("39", "249"),
    ),
    (
        "goods",
        "Furniture",
        ("Oak table", "Walnut shelf", "Linen armchair", "Steel stool", "Cedar bench"),
        "unit",
        ("89", "1290"),
    ),
    (
        "consumable",
        "Supplies",
        ("Bulb E27", "Bulb GU10", "Copper wire", "Varnish", "Sanding paper"),
        "unit",
        ("2", "35"),
    ),
    (
        "goods",
        "Materials",
        ("Brass sheet", "Oak plank", "Glass pane", "Textile cable", "Ceramic base"),
        "kg",
        ("6", "80"),
    ),
    (
        "service",
        "Services",
        ("Lighting design", "Installation", "Repair", "Delivery", "Consulting"),
        "h",
        ("45", "120"),
    ),
)


def _demo_products(company: Company, cast: CountryCast, rng: random.Random) -> None:
    from comptoir.core.products.models import Category, Product, Unit
    from comptoir.core.products.services import units_seed

    units_seed(company=company)
    units = {u.code: u for u in Unit.objects.filter(company=company)}
    number = 0
    for kind, category_name, names, unit_code, (low, high) in PRODUCT_LINES:
        category = Category.objects.create(company=company, name=category_name)
        for base in names:
            for variant in ("S", "M", "L", "XL"):
                number += 1
                price = Decimal(rng.randrange(int(low) * 100, int(high) * 100)) / 100
                Product.objects.create(
                    company=company,
                    kind=kind,
                    name=f"{base} {variant}",
                    sku=f"{category_name[:3].upper()}-{number:04d}",
                    barcode=_ean13(rng) if kind != "service" else "",
                    category=category,
                    unit=units.get(unit_code) or next(iter(units.values())),
                    sale_price=price,
                    purchase_price=(price * Decimal("0.55")).quantize(Decimal("0.01")),
                    currency=cast.currency,
                )


def _ean13(rng: random.Random) -> str:
    from stdnum import ean

    body = "200" + f"{rng.randrange(10**9):09d}"
    return body + ean.calc_check_digit(body)


def _demo_rates() -> None:
    """Six weeks of business-day rates: the ECB's (per euro) and the BNR's (in lei)."""
    from comptoir.core.currencies.models import Rate

    if Rate.objects.exists():
        return
    today = timezone.localdate()
    day = today - dt.timedelta(days=45)
    rows = []
    step = 0
    while day <= today:
        if day.weekday() < 5:
            wobble = Decimal(step % 7 - 3) / 1000
            eur = {
                "USD": Decimal("1.0850") + wobble,
                "RON": Decimal("4.9750") + wobble / 10,
                "GBP": Decimal("0.8560") + wobble / 5,
            }
            for quote, value in eur.items():
                rows.append(Rate(base="EUR", quote=quote, date=day, rate=value, source="ecb"))
            # BNR publishes how many lei one unit of each currency is worth.
            ron = {
                "EUR": eur["RON"],
                "USD": (eur["RON"] / eur["USD"]).quantize(Decimal("0.0001")),
                "GBP": (eur["RON"] / eur["GBP"]).quantize(Decimal("0.0001")),
            }
            for base, value in ron.items():
                rows.append(Rate(base=base, quote="RON", date=day, rate=value, source="bnr"))
            step += 1
        day += dt.timedelta(days=1)
    Rate.objects.bulk_create(rows)
