"""In Chromium, the Content-Security-Policy forbids inline script (an injected <script> or
on* attribute does not run, the browser reports the violation) while the pages' own scripts,
Leaflet, htmx and Swagger UI work with no violation at all."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from pickup.models import Distribution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts go through the DevTools protocol, not the page: the policy does not
# apply to them. This one records every violation the page reports, and stands in for printing.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
window.print = () => { window.__printed = true; };
"""


@pytest.fixture
def watched(page: Page) -> Page:
    page.add_init_script(RECORD_VIOLATIONS)
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    return page


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__violations")


def log_in(page: Page, live_server, who: str) -> None:
    page.goto(f"{live_server.url}/compte/connexion/")
    page.fill("input[name=username]", demo_email(who))
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_an_injected_inline_script_does_not_run(live_server, watched):
    watched.goto(f"{live_server.url}/")
    ran = watched.evaluate(
        """() => new Promise((resolve) => {
          window.__injected = false;
          const script = document.createElement("script");
          script.textContent = "window.__injected = true;";
          document.body.appendChild(script);
          const button = document.createElement("button");
          button.setAttribute("onclick", "window.__injected = true;");
          document.body.appendChild(button);
          button.click();
          setTimeout(() => resolve(window.__injected), 200);
        })"""
    )
    assert ran is False
    found = violations(watched)
    assert any(v.startswith("script-src-elem inline") for v in found), found
    assert any(v.startswith("script-src-attr inline") for v in found), found


def test_the_pages_own_scripts_work_without_violations(live_server, watched):
    call_command("seed_demo", verbosity=0)
    # Leaflet draws the search map's markers (tiles are stubbed: no network here).
    watched.goto(f"{live_server.url}/points-relais/?q=59000")
    expect(watched.locator("#map .leaflet-marker-icon").first).to_be_visible()
    assert violations(watched) == []

    # Swagger UI renders the schema from its set-up script, served as a file.
    watched.goto(f"{live_server.url}/api/docs/")
    expect(watched.locator(".swagger-ui .info .title")).to_contain_text("Circuit Court API")
    expect(watched.locator(".opblock").first).to_be_visible()
    assert violations(watched) == []

    # The garden plan's script (moved out of the page) is there for the gardener.
    log_in(watched, live_server, "jardin")
    watched.goto(f"{live_server.url}/jardins/jardin-des-moulins/")
    expect(watched.locator(".garden-plan .plot-free[role=button]").first).to_be_visible()
    assert violations(watched) == []

    # The admin's own scripts too.
    watched.context.clear_cookies()
    log_in(watched, live_server, "admin")
    watched.goto(f"{live_server.url}/admin/")
    expect(watched.locator("#site-name")).to_be_visible()
    assert violations(watched) == []


def test_the_print_buttons_print_and_htmx_works(live_server, watched):
    call_command("seed_demo", verbosity=0)
    distribution = Distribution.objects.filter(pickup_point__slug="lille-wazemmes").first()
    log_in(watched, live_server, "hote")
    watched.goto(f"{live_server.url}/hote/distributions/{distribution.pk}/colisage/")
    watched.locator("button[data-print]").click()
    assert watched.evaluate("window.__printed === true")
    assert watched.evaluate("typeof window.htmx") == "object"
    assert watched.evaluate("htmx.config.includeIndicatorStyles") is False
    assert violations(watched) == []
