"""The bare reference: what Django alone costs to list 50 rows through a minimal template."""

from django.shortcuts import render

from applicants.models import Dossier

REFERENCE_ROWS = 50


def bare_reference(request):
    dossiers = Dossier.objects.select_related("structure").order_by("-updated_at", "-pk")
    return render(request, "bench/bare.html", {"dossiers": dossiers[:REFERENCE_ROWS]})
