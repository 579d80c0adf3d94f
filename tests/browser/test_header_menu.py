"""The header on a phone: the links fold into a « Menu » button that opens and closes them,
Escape closes it and gives the focus back; on a laptop the links show in a row, no button;
without JavaScript every link shows."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
PASSWORD = "carottes-et-poireaux"


@pytest.fixture
def household(db):
    user = UserFactory(full_name="Jeanne Dupont")
    user.set_password(PASSWORD)
    user.save()
    return user


def _log_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/compte/connexion/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".nav-user")).to_have_text("Jeanne")


def test_on_a_phone_the_menu_button_opens_the_links_and_escape_closes_them(
    live_server, page: Page, household, artifacts_dir
):
    page.set_viewport_size(PHONE)
    _log_in(page, live_server.url, household)
    button = page.get_by_role("button", name="Menu")
    orders = page.locator("#site-menu").get_by_role("link", name="Mes commandes")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(orders).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(orders).to_be_visible()
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "header-menu-open.png"))
    orders.click()
    expect(page).to_have_url(f"{live_server.url}/commandes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes commandes")

    # Opened with the keyboard, Tab into the links, Escape: closed, the focus on the button.
    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(page.locator("#site-menu a").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(page.locator("#site-menu")).to_be_hidden()

    # A tap outside the menu closes it too.
    button.click()
    page.mouse.click(195, 800)  # below the open menu
    expect(button).to_have_attribute("aria-expanded", "false")

    # The name opens the account.
    page.locator(".nav-user").click()
    expect(page).to_have_url(f"{live_server.url}/compte/")


def test_on_a_laptop_the_links_show_in_a_row_without_the_button(
    live_server, page: Page, household, artifacts_dir
):
    page.set_viewport_size(LAPTOP)
    _log_in(page, live_server.url, household)
    expect(page.locator(".menu-toggle")).to_be_hidden()
    links = page.locator("#site-menu li")
    expect(page.locator("#site-menu").get_by_role("link", name="Mes commandes")).to_be_visible()
    tops = {round(links.nth(n).bounding_box()["y"]) for n in range(links.count())}
    assert len(tops) == 1, f"the links wrap over {len(tops)} lines"
    page.screenshot(path=str(artifacts_dir / "header-laptop.png"))


def test_without_javascript_every_link_shows_on_a_phone(live_server, browser: Browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    menu = page.locator("#site-menu")
    for name in ("Accueil", "Jardins", "Points relais", "Paniers", "Connexion", "Inscription"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
