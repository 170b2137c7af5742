from django.urls import path

from comptoir.core.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("bell/", views.bell, name="bell"),
    path("feed/", views.feed, name="feed"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("preferences/", views.preference_edit, name="preference_edit"),
]
