"""The portal's routes plus the benchmark's bare reference page (``bench.settings`` only)."""

from django.urls import path

from bench.views import bare_reference
from ccr_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("banc-essai/reference/", bare_reference, name="bench-reference"),
    *portal_urlpatterns,
]
