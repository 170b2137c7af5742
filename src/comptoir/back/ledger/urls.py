"""Ledger pages under ``/ledger/``: the URL names are ``ledger:<entity>_<action>``."""

from comptoir.back.ledger.views import closing, entries, exports, reports, setup

app_name = "ledger"

urlpatterns = [
    *setup.urlpatterns,
    *entries.urlpatterns,
    *reports.urlpatterns,
    *exports.urlpatterns,
    *closing.urlpatterns,
]
