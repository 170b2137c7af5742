from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "comptoir.back.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        pass
