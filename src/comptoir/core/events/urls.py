from django.http import HttpResponse
from django.urls import path

app_name = "events"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("event_list/", placeholder, name="event_list"),
]
