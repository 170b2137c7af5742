import datetime as dt
from decimal import Decimal

import factory

from comptoir.core.currencies.models import Rate


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    base = "EUR"
    quote = "USD"
    date = dt.date(2024, 11, 20)
    rate = Decimal("1.0540")
    source = "manual"
