"""Root URLs: pages by app, the API, the admin and the health check."""

from django.contrib import admin
from django.urls import include, path

from comptoir.api import api
from comptoir.core.web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("comptoir.core.identity.urls")),
    path("companies/", include("comptoir.core.companies.urls")),
    path("parties/", include("comptoir.core.parties.urls")),
    path("products/", include("comptoir.core.products.urls")),
    path("currencies/", include("comptoir.core.currencies.urls")),
    path("timeline/", include("comptoir.core.timeline.urls")),
    path("notifications/", include("comptoir.core.notifications.urls")),
    path("audit/", include("comptoir.core.audit.urls")),
    path("events/", include("comptoir.core.events.urls")),
    path("ledger/", include("comptoir.back.ledger.urls")),
    path("", include("comptoir.core.web.urls")),
]
