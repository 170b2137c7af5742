"""Django admin of companies (administrators only, changes audited)."""

from __future__ import annotations

from django.contrib import admin

from comptoir.core.companies.models import Company
from comptoir.core.identity.admin import RoleAdminMixin


@admin.register(Company)
class CompanyAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_permission = "companies.change"
    list_display = ("code", "name", "country", "currency", "vat_number", "is_demo")
    list_filter = ("country", "currency", "is_demo")
    search_fields = ("code", "name", "legal_name", "vat_number", "national_id")
