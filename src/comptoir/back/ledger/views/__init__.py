"""The ledger's pages, one module per concern; each module lists its ``urlpatterns``."""
