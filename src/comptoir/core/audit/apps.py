from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "comptoir.core.audit"
    label = "audit"
    verbose_name = "Audit trail"
