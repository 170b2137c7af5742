from django.contrib import admin

from comptoir.core.products.models import Category, Product, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "factor", "rounding", "company")
    list_filter = ("company", "category")
    search_fields = ("code", "name")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "company")
    list_filter = ("company",)
    search_fields = ("name",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "sku", "barcode", "kind", "sale_price", "currency", "active", "company")
    list_filter = ("company", "kind", "active")
    search_fields = ("name", "sku", "barcode")
    list_select_related = ("company",)
    raw_id_fields = ("category", "unit")
