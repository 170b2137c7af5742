from django.urls import path

from comptoir.core.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("schedules/", views.schedule_list, name="schedule_list"),
    path("schedules/<int:pk>/toggle/", views.schedule_toggle, name="schedule_toggle"),
    path("schedules/<int:pk>/run/", views.schedule_run, name="schedule_run"),
]
