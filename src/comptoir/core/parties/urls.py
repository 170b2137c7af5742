from django.http import HttpResponse
from django.urls import path

app_name = "parties"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("party_list/", placeholder, name="party_list"),
]
