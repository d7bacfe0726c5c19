import os

import pytest

from tests.conftest import chromium_path, require
from tests.e2e.helpers import log_in

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# calls made by the test itself (and by pytest-django's teardown) are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    require(executable is not None, "Chromium n'est pas installé (paquet Debian « chromium »)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


# Reports every Content Security Policy violation of the page to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.violatedDirective} ${event.blockedURI} ${location.pathname}`);
});
"""


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def page(browser, live_server, tmp_path, csp_violations):
    """A browser page; every journey fails if the page breaks the Content Security Policy."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(15_000)
    context.expose_function("__cspViolation", lambda text: csp_violations.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert csp_violations == [], "violations de la politique de sécurité du contenu (CSP)"


@pytest.fixture
def signed_in(request, browser, live_server):
    """A browser page per person, signed in with the demo's password; every context is
    closed after the test. A journey may set its own ``BROWSER_TIMEOUT`` (ms)."""
    from ccr_portal.users.demo import DEMO_PASSWORD

    timeout = getattr(request.module, "BROWSER_TIMEOUT", 20_000)
    contexts = []

    def sign_in(email):
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", accept_downloads=True
        )
        context.set_default_timeout(timeout)
        contexts.append(context)
        page = context.new_page()
        log_in(page, email, DEMO_PASSWORD)
        return page

    yield sign_in
    for context in contexts:
        context.close()
