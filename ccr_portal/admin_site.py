"""The technical administrator's site: Django's admin, on Django's model permissions.

The portal's own permission names (``rules``) shadow Django's model
permissions outside the admin (``User.has_perm``); inside it, every view runs
inside ``admin_scope()``, so that the admin keeps asking model permissions,
which a superuser holds. That is how ``admin@`` keeps the admin and is
refused, like anyone without the role, on every page and action of the portal.
"""

import functools

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.response import SimpleTemplateResponse

from ccr_portal.permission_scope import admin_scope


class PortalAdminSite(admin.AdminSite):
    site_header = "Portail CCR : administration technique"
    site_title = "Portail CCR"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def with_model_permissions(request, *args, **kwargs):
            with admin_scope():
                response = inner(request, *args, **kwargs)
                # Templates may still ask permissions: render while inside.
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()
                return response

        return functools.update_wrapper(with_model_permissions, inner)


class PortalAdminConfig(AdminConfig):
    default_site = "ccr_portal.admin_site.PortalAdminSite"
