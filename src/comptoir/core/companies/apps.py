from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "comptoir.core.companies"
    label = "companies"
    verbose_name = "Companies"
