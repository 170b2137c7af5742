from django.urls import path

from comptoir.core.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("switch-company/", views.company_switch, name="company_switch"),
]
