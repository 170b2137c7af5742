from django.urls import path

from comptoir.core.timeline import views

app_name = "timeline"

urlpatterns = [
    path("<str:ct>/<str:object_id>/notes/", views.note_create, name="note_create"),
    path(
        "<str:ct>/<str:object_id>/attachments/",
        views.attachment_create,
        name="attachment_create",
    ),
    path(
        "<str:ct>/<str:object_id>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
