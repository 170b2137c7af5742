from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "comptoir.core.identity"
    label = "identity"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.views import redirect_to_login
        from django.core.exceptions import PermissionDenied
        from django.http import HttpRequest, HttpResponse

        from comptoir.core.identity.admin import admin_site_has_permission

        # /admin/ is for users holding the administrator's permission, whatever
        # their ``is_staff`` flag; they log in through Comptoir's own login page
        # (lockout and two-factor included), never the admin's.
        admin.site.has_permission = admin_site_has_permission  # type: ignore[method-assign]

        def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
            if request.user.is_authenticated:
                # Logged in without the right: no redirect loop, a plain 403.
                raise PermissionDenied("identity.change")
            return redirect_to_login(request.GET.get("next") or "/admin/")

        admin.site.login = admin_login  # type: ignore[method-assign]
