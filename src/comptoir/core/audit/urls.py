from django.http import HttpResponse
from django.urls import path

app_name = "audit"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("entry_list/", placeholder, name="entry_list"),
]
