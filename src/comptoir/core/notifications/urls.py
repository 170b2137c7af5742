from django.http import HttpResponse
from django.urls import path

app_name = "notifications"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("notification_list/", placeholder, name="notification_list"),
    path("bell/", placeholder, name="bell"),
    path("feed/", placeholder, name="feed"),
]
