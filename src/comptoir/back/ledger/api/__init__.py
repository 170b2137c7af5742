"""The ledger's REST operations, mounted under ``/api/v1/ledger``.

One module per concern, each with its own ``router``: accounts, journals
and taxes (``setup``), entries (``entries``), reports (``reports``),
exports and integrity (``exports``), closing and VAT returns (``closing``).
"""

from ninja import Router

from comptoir.back.ledger.api import closing, entries, exports, reports, setup

router = Router()
for module in (setup, entries, reports, exports, closing):
    router.add_router("", module.router)
