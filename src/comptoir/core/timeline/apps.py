from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "comptoir.core.timeline"
    label = "timeline"
    verbose_name = "Timeline"
