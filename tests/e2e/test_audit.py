"""The browser audit of every page each demo login reaches.

One demo, one live server, one Chromium. Each demo login (and a visitor) is
crawled from their dashboard through the navigation and the links
(tests/e2e/crawl.py); the tests below then read what the crawl found:

- axe-core (WCAG 2.1 A and AA) on a sample of each route, and on each
  route's form sent empty;
- no link that answers 403 or 404 to the person it is shown to;
- the Nu HTML checker on every page, in one batch;
- no forgotten English word in what a person reads;
- the applicant's, provider's and committee's pages at 360 px wide, with no
  horizontal scrolling.
"""

import shutil
import time
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from ccr_portal.users.models import Role, User
from tests.conftest import require
from tests.e2e.crawl import (
    AXE,
    Crawler,
    audit_forms_sent_empty,
    english_words,
    readable_text,
    validate_html,
)

pytestmark = [pytest.mark.e2e]

# Roles whose people are most often on a phone: crawled in a 360 px window.
PHONE_ROLES = {Role.APPLICANT, Role.PROVIDER, Role.COMMITTEE, None}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VISITOR = "visiteur"


def demo_logins() -> list[tuple[User | None, str | None]]:
    """Every demo login with a role, once per role it holds, and a visitor."""
    logins: list[tuple[User | None, str | None]] = [(None, None)]
    users = User.objects.filter(email__endswith="@example.org", is_superuser=False)
    for user in users.order_by("email"):
        logins += [(user, role.value) for role in user.ordered_roles]
    return logins


def label(user, role) -> str:
    if user is None:
        return VISITOR
    return f"{user.email} ({role})" if len(user.roles) > 1 else user.email


@pytest.fixture(scope="module")
def audit(browser, live_server, django_db_setup, django_db_blocker, tmp_path_factory):
    require(AXE.exists(), "axe-core manque : lancez « npm ci »")
    require(shutil.which("java") is not None, "Java manque (paquet Debian default-jre-headless)")
    started = time.monotonic()
    media = tmp_path_factory.mktemp("audit-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        demo_seconds = time.monotonic() - started
        crawlers, pages = [], []
        covered, forms_seen = defaultdict(set), set()
        for user, role in demo_logins():
            phone = role in PHONE_ROLES
            context = browser.new_context(
                base_url=live_server.url, locale="fr-FR", viewport=PHONE if phone else DESKTOP
            )
            context.set_default_timeout(15_000)
            context.add_init_script(path=str(AXE))
            client = Client()
            start, others = "/", set()
            if user is not None:
                client.force_login(user)
                session = client.cookies["sessionid"].value
                context.add_cookies(
                    [{"name": "sessionid", "value": session, "url": live_server.url}]
                )
                start = f"/tableau-de-bord/{role}/"
                others = {f"/tableau-de-bord/{other}/" for other in user.roles if other != role}
            crawler = Crawler(
                client,
                context,
                live_server.url,
                label(user, role),
                role=role,
                other_dashboards=others,
            )
            # The start page first: it makes this role the active one.
            crawler.crawl(start)
            page = context.new_page()
            crawler.audit(page, covered, measure_width=phone)
            crawlers.append(crawler)
            pages.append(page)
        crawl_seconds = time.monotonic() - started
        # Forms sent empty last, once every crawl has seen the demo untouched.
        for crawler, page in zip(crawlers, pages, strict=True):
            audit_forms_sent_empty(crawler, page, forms_seen)
            page.context.close()
        forms_seconds = time.monotonic() - started - crawl_seconds
        results = {crawler.result.who: crawler.result for crawler in crawlers}
        # The validator reads the pages axe audited: every route of every role, in each state.
        html = {
            f"{result.who} {visit.url}": result.visits[visit.url].html
            for result in results.values()
            for visit in map(result.visits.get, result.audited)
        }
        html_errors = validate_html(html, tmp_path_factory.mktemp("vnu"))
        print(
            f"\nAudit : {sum(len(r.visits) for r in results.values())} pages, "
            f"{sum(len(r.audited) for r in results.values())} auditées par axe, "
            f"{sum(len(r.error_forms) for r in results.values())} formulaires vides, "
            f"{len(html)} pages validées ; démo {demo_seconds:.0f} s, "
            f"parcours {crawl_seconds:.0f} s, "
            f"formulaires {forms_seconds:.0f} s, validation {validate_html.seconds:.0f} s"
        )
        for result in results.values():
            print(
                f"  {result.who}: {len(result.visits)} pages ({result.seconds['crawl']:.1f} s), "
                f"{len(result.audited)} auditées ({result.seconds['axe']:.1f} s)"
            )
        yield {"results": results, "html_errors": html_errors}
        call_command("flush", interactive=False, verbosity=0)


def test_every_page_passes_axe(audit):
    violations = [v for result in audit["results"].values() for v in result.violations]
    assert violations == [], "\n".join(violations)


def test_forms_sent_empty_are_audited(audit):
    assert sum(len(r.error_forms) for r in audit["results"].values()) > 0


def test_no_link_answers_a_refusal_to_the_person_it_is_shown_to(audit):
    refused = [
        f"{result.who} : {page or '(départ)'} → {target} répond {status}"
        for result in audit["results"].values()
        for page, target, status in result.links
        if status in (403, 404)
    ]
    assert refused == [], "\n".join(refused)


def test_every_page_is_valid_html(audit):
    errors = audit["html_errors"]
    assert errors == [], f"{len(errors)} erreurs :\n" + "\n".join(errors[:200])


def test_no_forgotten_english_nor_empty_dashes(audit):
    found = []
    for result in audit["results"].values():
        for visit in result.html_pages():
            words = english_words(readable_text(visit.html))
            if ">---------<" in visit.html:
                words.append("--------- (choix vide)")
            if words:
                found.append(f"{result.who} {visit.url} : {', '.join(words)}")
    assert found == [], "\n".join(found)


def test_phone_pages_need_no_horizontal_scrolling(audit):
    too_wide = [
        f"{result.who} {url} : {width} px"
        for result in audit["results"].values()
        for url, width in result.widths.items()
        if width > PHONE["width"]
    ]
    measured = sum(len(r.widths) for r in audit["results"].values())
    assert measured > 0
    assert too_wide == [], "\n".join(too_wide)
