from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "comptoir.core.kernel"
    label = "kernel"
    verbose_name = "Kernel"
