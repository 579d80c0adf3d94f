"""axe-core over the demo: a crawl as a visitor and as each role, on a phone (390×844) and a
laptop (1366×900), finds no violation of the WCAG 2.0/2.1 A and AA rules (RGAA 4.1).

One seeded demo database, one browser: each kind of page (its view) is opened once per role
and audited at both sizes (resized in place), with the states behind forms too (a sign-up
form sent empty, a filled basket, a quantity refused on its card, a search without a match,
the order's and the season's pay pages, the handover screen
after a search and after a tap, an active basket subscription). Each page must also reflow
at 320 px and 640 px. No link the crawl follows may answer an error. The count is
printed at the end of the run ("axe crawl: N pages, M violations", tests/browser/conftest.py).
"""

from collections import deque
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from billing.demo import ACTIVE_FARM
from billing.invoicing import issue_distribution_invoices
from orders.models import Order, OrderLine
from pickup.models import Distribution, PickupPoint
from pickup.selectors import catalogue_offers
from tests.browser.axe import AUDITS, AXE_JS, MISSING, Audit, same_site_links, view_name
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = [
    pytest.mark.browser,
    pytest.mark.localstripe,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not AXE_JS.exists(), reason=MISSING),
]

ROLES = {
    "visitor": None,
    "household": "foyer",
    "producer": "ferme",
    "host": "hote",
    "gardener": "jardin",
    "coordinator": "coordination",
}
START = ["/", "/points-relais/?q=59000", "/jardins/", "/abonnements/", "/fermes/"]
# Account pages the menu does not link to (reached from other pages' buttons and e-mails).
START_LOGGED_IN = [
    "/compte/credit/",
    "/compte/credit/recharger/",
    "/compte/credit/rembourser/",
    "/compte/cartes/",
    "/compte/factures/",  # « Mes factures » (the demo household's has an invoice: below)
]
# Pages of one role only (anyone else gets a 404), opened first too.
START_FOR_ROLE = {"producer": [f"/producteur/{ACTIVE_FARM}/factures/"]}  # its demo invoices
VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1366, "height": 900}]
# WCAG 1.4.10 and 1.4.4: 320 CSS px, and a 1280 px window at 200 % zoom (640 CSS px).
REFLOW_WIDTHS = [320, 640]
MAX_KINDS_PER_ROLE = 40
# Pages whose content is the same whoever reads them: audited once, as a visitor (each role's
# header and footer around them are audited on every other page). Saves a sixth of the run.
SAME_FOR_EVERYONE = {"legal:terms", "legal:privacy", "legal:notice", "legal:accessibility"}
# The card field is Stripe's (an iframe from js.stripe.com in production, localstripe's
# stand-in here): its accessibility is Stripe's, outside what these pages control.
STRIPE_CARD = "#card-element"


def _log_in(page: Page, base: str, local_part: str) -> None:
    page.goto(f"{base}/compte/connexion/")
    page.locator("#id_username").fill(demo_email(local_part))
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nav-user")).to_be_visible()


def _check_both_sizes(page: Page, audit: Audit, label: str) -> None:
    """Audit the page as it is now at each viewport, then check it reflows at 320 px and at
    640 px (a 1280 px screen zoomed to 200 %). Resized in place: no second load."""
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        audit.check(page, f"{label} at {viewport['width']}px", exclude=(STRIPE_CARD,))
    for width in REFLOW_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        audit.check_reflow(page, f"{label} at {width}px")
    page.set_viewport_size(VIEWPORTS[0])


def _crawl(page: Page, base: str, audit: Audit, role: str, broken: list[str]) -> None:
    """Open each kind of page reachable from the start pages once and audit it; a link that
    answers an error goes to ``broken``."""
    seen_kinds: set[str] = set()
    queue = deque(START + (START_LOGGED_IN if ROLES[role] else []) + START_FOR_ROLE.get(role, []))
    while queue and len(seen_kinds) < MAX_KINDS_PER_ROLE:
        path = queue.popleft()
        kind = view_name(path.split("?")[0])
        if kind is None or kind in seen_kinds or (ROLES[role] and kind in SAME_FOR_EVERYONE):
            continue
        seen_kinds.add(kind)
        response = page.goto(base + path)
        if response is None or response.status >= 400:
            broken.append(f"{role} {path}: {response.status if response else 'no answer'}")
            continue
        if "html" not in response.headers.get("content-type", ""):
            continue
        _check_both_sizes(page, audit, f"{role} {path}")
        queue.extend(same_site_links(page, base))


def _closed_distribution_with_orders(point: PickupPoint) -> Distribution:
    starts = (timezone.now() + timedelta(days=20)).replace(second=0, microsecond=0)
    distribution = DistributionFactory(pickup_point=point, starts_at=starts, status="closed")
    farm = stocked_farm(distribution, prices=(350, 180))
    for n in range(2):
        order = Order.objects.create(
            household=UserFactory(full_name=f"Foyer {n} Test"),
            distribution=distribution,
            idempotency_key=f"a11y{n}",
            status=Order.Status.CONFIRMED,
            pickup_code=f"KM{'AC'[n]}7P",
            total_cents=530,
        )
        for offer in farm.offers:
            OrderLine.objects.create(
                order=order,
                offer=offer,
                producer=farm.producer,
                product_name=offer.product.name,
                producer_name=farm.producer.name,
                unit_price_cents=offer.price_cents,
                quantity=1,
            )
    return distribution


def _invoiced_order_for(household) -> Order:
    """An order of ``household`` at the demo's finished sale, invoiced in the name of the farm
    under mandate: « Mes factures » and the order's page then list an invoice."""
    sold = (
        OrderLine.objects.filter(
            order__distribution__status="done",
            producer__slug=ACTIVE_FARM,
            estimated_weight_g__isnull=True,
        )
        .select_related("order")
        .first()
    )
    order = Order.objects.create(
        household=household,
        distribution_id=sold.order.distribution_id,
        idempotency_key="a11y-invoice",
        status=Order.Status.CONFIRMED,
        pickup_code="KMF7P",
        total_cents=sold.unit_price_cents,
    )
    OrderLine.objects.create(
        order=order,
        offer_id=sold.offer_id,
        producer_id=sold.producer_id,
        product_name=sold.product_name,
        producer_name=sold.producer_name,
        unit_price_cents=sold.unit_price_cents,
        vat_rate=sold.vat_rate,
        quantity=1,
    )
    issued = issue_distribution_invoices(distribution_id=sold.order.distribution_id)
    assert [invoice.household_id for invoice in issued] == [household.pk]
    return order


def _states_behind_forms(
    page: Page, base: str, audit: Audit, role: str, closed: Distribution
) -> None:
    """The states a crawl of links does not reach: after typing, ticking, sending."""
    if role == "visitor":
        page.goto(f"{base}/compte/inscription/")
        page.locator("main form button[type=submit]").click()
        invalid = page.locator("main [aria-invalid=true]")
        expect(invalid.first).to_be_focused()  # the first error has the focus
        for n in range(invalid.count()):  # each field names its error (aria-describedby)
            described_by = invalid.nth(n).get_attribute("aria-describedby").split()
            errors = [i for i in described_by if i.endswith("_error")]
            assert errors and page.locator(f"#{errors[0]}").is_visible()
        _check_both_sizes(page, audit, "visitor sign-up sent empty")
    elif role == "household":
        distribution = Distribution.objects.filter(status="open").first()
        offer = next(o for o in catalogue_offers(distribution=distribution) if o.remaining)
        page.goto(
            f"{base}/points-relais/{distribution.pickup_point.slug}/distributions/{distribution.pk}/"
        )
        field = page.locator(f"#qty-{offer.pk}")
        field.fill("1")
        field.dispatch_event("change")
        basket = page.locator("#basket")
        expect(basket).to_contain_text(offer.product.name)
        _check_both_sizes(page, audit, "household basket filled")
        page.wait_for_load_state("networkidle")  # one request at a time (shared SQLite)
        other = next(
            o for o in catalogue_offers(distribution=distribution) if o.remaining and o != offer
        )
        wrong = page.locator(f"#qty-{other.pk}")
        wrong.fill("99999")
        wrong.dispatch_event("change")
        expect(page.locator(f"#offer-{other.pk} .card-error")).to_be_visible()
        page.wait_for_load_state("networkidle")
        _check_both_sizes(page, audit, "household quantity refused on its card")
        page.locator("#shop-q").fill("zzz nothing")
        expect(page.locator("#shop-empty")).not_to_be_empty()
        _check_both_sizes(page, audit, "household search without a match")
        page.locator("#shop-q").fill("")
        basket.locator("button[type=submit]").click()
        expect(page.locator(STRIPE_CARD)).to_be_visible()
        _check_both_sizes(page, audit, "household order pay page")
        page.goto(f"{base}/abonnements/")
        # The demo household already has the large basket (a week skipped): the small one.
        page.locator(".season-card", has_text="petit").locator(".subscribe-button").click()
        expect(page.locator(STRIPE_CARD)).to_be_visible()
        _check_both_sizes(page, audit, "household season pay page")
        # Its active season: its weeks, skip buttons.
        page.goto(f"{base}/abonnements/")
        page.get_by_role("link", name="Panier de légumes — grand").first.click()
        expect(page.locator(".skip-week").first).to_be_visible()
        _check_both_sizes(page, audit, "household active subscription")
    elif role == "host":
        page.goto(f"{base}/hote/distributions/{closed.pk}/remise/")
        page.locator("#handover-q").fill("kma7p")
        page.locator("#handover-q").press("Enter")
        row = page.locator(".handover-row")
        expect(row).to_have_count(1)
        _check_both_sizes(page, audit, "host handover searched")
        row.locator("button.handover-collect").click()
        expect(page.locator(".handover-row.is-collected")).to_have_count(1)
        _check_both_sizes(page, audit, "host handover collected")


def test_no_axe_violation_on_any_page_of_the_demo_for_any_role(
    live_server, browser: Browser, localstripe, request, artifacts_dir
):
    call_command("seed_demo", verbosity=0)
    # A closed distribution with orders: the host's packing list, labels and handover screen.
    closed = _closed_distribution_with_orders(
        PickupPoint.objects.get(hosts__email=demo_email("hote"))
    )
    # An invoice for the demo household (the farm's own demo invoices are the neighbours').
    _invoiced_order_for(User.objects.get(email=demo_email("foyer")))
    axe_source = AXE_JS.read_text()
    audit, broken = Audit(), []
    request.config.stash.setdefault(AUDITS, []).append(audit)
    base = live_server.url
    for role, local_part in ROLES.items():
        context = browser.new_context(viewport=VIEWPORTS[0])
        context.add_init_script(script=axe_source)  # in every page, whatever its CSP
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page = context.new_page()
        if local_part:
            _log_in(page, base, local_part)
        # Forms first: the order they leave behind opens its detail and receipt pages.
        _states_behind_forms(page, base, audit, role, closed)
        _crawl(page, base, audit, role, broken)
        context.close()
    (artifacts_dir / "axe-pages.txt").write_text("\n".join(audit.audited) + "\n")
    assert not broken, broken
    assert not audit.violations, audit.report()
    assert not audit.overflowing, audit.overflowing


def test_the_audit_reports_what_axe_finds(page: Page):
    """The crawl's zero means something: a field without a label is a violation."""
    page.set_content('<html lang="fr"><title>t</title><main><input type="text"></main></html>')
    page.add_script_tag(content=AXE_JS.read_text())
    audit = Audit()
    found = audit.check(page, "a bare field")
    assert [v["id"] for v in found] == ["label"]
    assert audit.report().startswith("axe crawl: 1 pages, 1 violations")
