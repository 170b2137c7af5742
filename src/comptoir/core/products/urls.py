from django.http import HttpResponse
from django.urls import path

app_name = "products"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("product_list/", placeholder, name="product_list"),
    path("unit_list/", placeholder, name="unit_list"),
]
