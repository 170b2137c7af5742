from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "comptoir.core.web"
    label = "web"
    verbose_name = "Pages"
