from django.http import HttpResponse
from django.urls import path

app_name = "companies"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("company_list/", placeholder, name="company_list"),
]
