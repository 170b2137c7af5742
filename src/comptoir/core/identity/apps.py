from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "comptoir.core.identity"
    label = "identity"
    verbose_name = "Users and roles"
