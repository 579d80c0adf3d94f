"""Every page reachable by following links from the home page renders for every demo role
(and for visitors): a crawl of the seeded demo, so no page answers a server error, and every
answer carries the strict Content-Security-Policy."""

import re
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.demo import demo_email
from accounts.models import User
from tests.test_content_security_policy import HEADER as CSP
from tests.test_content_security_policy import assert_strict

LINK = re.compile(r'href="([^"]+)"')
SKIP = ("/admin/", "/api/", "/static/", "/compte/deconnexion/", "/i18n/", "/jsi18n/")
START = ["/", "/points-relais/?q=59000", "/points-relais/?q=zzzz-nulle-part", "/jardins/?q=Lille"]


def crawl(client: Client, limit: int = 400, inspect=None) -> dict[str, int]:
    """Status of every page reached from START; `inspect(url, response)` sees each answer."""
    seen: dict[str, int] = {}
    queue = list(START)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if inspect:
            inspect(url, response)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                queue.append(href)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "foyer", "ferme", "hote", "jardin", "coordination", "admin"])
def test_every_linked_page_renders_for_every_role(who):
    call_command("seed_demo", verbosity=0)
    client = Client()
    if who:
        client.force_login(User.objects.get(email=demo_email(who)))
    policies: dict[str, str | None] = {}
    seen = crawl(client, inspect=lambda url, r: policies.update({url: r.get(CSP)}))
    errors = {url: status for url, status in seen.items() if status >= 500}
    assert errors == {}
    assert len(seen) > 5
    for url, policy in policies.items():
        assert_strict(policy, url)
