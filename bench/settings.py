"""Settings of the benchmark's server: the production settings plus the bare reference page.

Only ``make bench`` starts gunicorn with ``DJANGO_SETTINGS_MODULE=bench.settings``;
the portal's own settings never route ``bench.urls``, so the reference page is not
reachable in production.
"""

from ccr_portal.settings import *  # noqa: F403
from ccr_portal.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
