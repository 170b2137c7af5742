from django.http import HttpResponse
from django.urls import path

app_name = "currencies"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("rate_list/", placeholder, name="rate_list"),
]
