from django.http import HttpResponse
from django.urls import path

app_name = "timeline"


def placeholder(request):  # replaced by the real views
    return HttpResponse("")


urlpatterns = [

]
