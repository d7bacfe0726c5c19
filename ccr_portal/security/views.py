from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .selectors import object_audit


@login_required
def object_audit_view(request, app_label: str, model: str, pk: int):
    try:
        model_class = apps.get_model(app_label, model)
    except LookupError:
        raise Http404("Cet objet n'a pas de journal.") from None
    if not auditlog.contains(model_class):
        raise Http404("Cet objet n'a pas de journal.")
    obj = get_object_or_404(model_class, pk=pk)
    if not request.user.has_perm("security.view_object_audit", obj):
        raise PermissionDenied("Seule la coordination lit le journal d'audit.")
    return render(
        request,
        "security/object_audit.html",
        {
            "object": obj,
            "lines": object_audit(obj),
            "back_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
        },
    )
