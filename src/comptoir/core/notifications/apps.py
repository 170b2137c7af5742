from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "comptoir.core.notifications"
    label = "notifications"
    verbose_name = "Notifications"
