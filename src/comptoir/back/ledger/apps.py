from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "comptoir.back.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from comptoir.back.ledger import demo  # noqa: F401 - registers the ledger demo
        from comptoir.back.ledger.navigation import register_menu

        register_menu()
