from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "comptoir.core.products"
    label = "products"
    verbose_name = "Products"

    def ready(self) -> None:
        from comptoir.core.web.navigation import NavEntry, register

        register(
            NavEntry("back", _("Product categories"), "products:category_list", "products.view")
        )
