"""Pages of parties: ``/parties/…``."""

from django.urls import path

from comptoir.core.parties import views

app_name = "parties"

urlpatterns = [
    path("", views.party_list, name="party_list"),
    path("new/", views.party_create, name="party_create"),
    path("<int:pk>/", views.party_detail, name="party_detail"),
    path("<int:pk>/edit/", views.party_edit, name="party_edit"),
    path("<int:pk>/archive/", views.party_archive, name="party_archive"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/addresses/new/", views.address_create, name="address_create"),
    path("<int:pk>/bank-accounts/new/", views.bank_account_create, name="bank_account_create"),
    path("addresses/<int:pk>/edit/", views.address_edit, name="address_edit"),
    path("addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
    path("bank-accounts/<int:pk>/delete/", views.bank_account_delete, name="bank_account_delete"),
]
