"""Seed the ISO 4217 currencies from pycountry, minor units from Babel (CLDR)."""

from django.db import migrations

# Codes in ISO 4217 that are not money one invoices in (metals, funds, test codes).
NOT_MONEY = {
    "XAG",
    "XAU",
    "XBA",
    "XBB",
    "XBC",
    "XBD",
    "XDR",
    "XPD",
    "XPT",
    "XSU",
    "XTS",
    "XUA",
    "XXX",
    "BOV",
    "CHE",
    "CHW",
    "CLF",
    "COU",
    "MXV",
    "USN",
    "UYI",
    "UYW",
}


def seed(apps, schema_editor):
    import pycountry
    from babel.numbers import get_currency_precision

    Currency = apps.get_model("currencies", "Currency")
    existing = set(Currency.objects.values_list("code", flat=True))
    Currency.objects.bulk_create(
        [
            Currency(
                code=c.alpha_3,
                name=c.name[:100],
                minor_units=int(get_currency_precision(c.alpha_3)),
                active=c.alpha_3 not in NOT_MONEY,
            )
            for c in pycountry.currencies
            if c.alpha_3 not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("currencies", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
