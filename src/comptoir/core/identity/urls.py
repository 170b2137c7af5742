from django.http import HttpResponse
from django.urls import path

app_name = "identity"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [
    path("login/", placeholder, name="login"),
    path("logout/", placeholder, name="logout"),
    path("profile/", placeholder, name="profile"),
    path("user_list/", placeholder, name="user_list"),
    path("role_list/", placeholder, name="role_list"),
]
