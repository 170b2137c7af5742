from django.urls import path

from comptoir.core.currencies import views

app_name = "currencies"

urlpatterns = [
    path("", views.currency_list, name="currency_list"),
    path("rates/", views.rate_list, name="rate_list"),
    path("rates/new/", views.rate_create, name="rate_create"),
    path("rates/import/", views.rate_import, name="rate_import"),
]
