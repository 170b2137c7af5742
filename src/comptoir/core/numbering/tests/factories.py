import factory

from comptoir.core.numbering.models import Sequence


class SequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sequence

    code = "invoice"
    fiscal_year = 2026
    pattern = "FA-{year}-{seq:05d}"
    next_value = 1
