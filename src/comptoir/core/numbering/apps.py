from django.apps import AppConfig


class NumberingConfig(AppConfig):
    name = "comptoir.core.numbering"
    label = "numbering"
    verbose_name = "Numbering"
