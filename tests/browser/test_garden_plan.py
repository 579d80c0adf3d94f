"""The demo gardener reserves a plot on the garden plan, with the mouse and with the keyboard."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from gardens.models import Reservation
from tests.browser.keyboard import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GARDEN_PATH = "/jardins/jardin-des-moulins/"


def _log_in_as_the_demo_gardener(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/compte/connexion/?next={GARDEN_PATH}")
    page.fill("input[name=username]", "jardin@demo.circuit-court.fr")
    page.fill("input[name=password]", "demo-circuit-court")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{GARDEN_PATH}")


def _reserved_plot_ids() -> list[int]:
    return list(
        Reservation.objects.filter(
            gardener__email="jardin@demo.circuit-court.fr", status="reserved"
        ).values_list("plot_id", flat=True)
    )


def test_the_demo_gardener_reserves_a_free_plot_by_clicking_it(live_server, page, artifacts_dir):
    call_command("seed_demo", verbosity=0)
    _log_in_as_the_demo_gardener(page, live_server)
    free = page.locator(".garden-plan .plot-free[role=button]").first
    plot_id = free.get_attribute("data-plot")
    expect(page.locator(".garden-plan .plot-yours")).to_have_count(0)

    free.click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("20")  # the plot's work hours, asked first
    dialog.locator(".confirm-submit").click()

    plot = page.locator(f"#plan-plot-{plot_id}")
    expect(plot).to_have_attribute("data-state", "yours")
    expect(plot).to_have_class("plot plot-yours")
    expect(page.locator(".message").first).to_be_visible()
    assert _reserved_plot_ids() == [int(plot_id)]
    page.screenshot(path=str(artifacts_dir / "garden-plan-reserved.png"), full_page=True)


def test_keyboard_only_reservation(live_server, page, artifacts_dir):
    call_command("seed_demo", verbosity=0)
    _log_in_as_the_demo_gardener(page, live_server)
    # Tab from the top of the page to the first free plot, the focus visible all the way.
    tab_to(page, ".plot-free[role=button]", limit=80)
    focused_plot = page.evaluate("() => document.activeElement.dataset.plot")
    label = page.locator(f"#plan-plot-{focused_plot}").get_attribute("aria-label")
    assert label and "20" in label

    page.keyboard.press("Enter")
    expect(page.locator("dialog[open]")).to_be_visible()
    page.keyboard.press("Tab")  # from "Go back" to the confirm button
    page.keyboard.press("Enter")

    expect(page.locator(f"#plan-plot-{focused_plot}")).to_have_attribute("data-state", "yours")
    assert _reserved_plot_ids() == [int(focused_plot)]
    page.screenshot(path=str(artifacts_dir / "garden-plan-keyboard.png"), full_page=True)
