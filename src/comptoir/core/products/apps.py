from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "comptoir.core.products"
    label = "products"
    verbose_name = "Products"
