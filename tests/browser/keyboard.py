"""Moving through a page with the keyboard alone, the way someone without a mouse does."""

from playwright.sync_api import Page

FOCUSED = """(selector) => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none";
    return {
        matches: el.matches(selector),
        // SVG plots show focus by their shape's stroke (tests/browser/test_garden_plan.py).
        visible: ring || el instanceof SVGElement,
        what: el.outerHTML.slice(0, 120),
    };
}"""


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (Shift+Tab backwards) until the focus is on ``selector``. Every element the
    focus lands on on the way must show it (an outline or a shadow): focus is visible."""
    key = "Shift+Tab" if backwards else "Tab"
    for _step in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED, selector)
        if focused is None:
            continue
        assert focused["visible"], f"focus not visible on {focused['what']}"
        if focused["matches"]:
            return
    raise AssertionError(f"{selector} not reached with {key} in {limit} presses")


def log_in_with_the_keyboard(page: Page, base: str, email: str, password: str) -> None:
    """The log-in page focuses the e-mail field: type, Tab, type, Enter."""
    page.goto(f"{base}/compte/connexion/")
    page.keyboard.type(email)
    tab_to(page, "#id_password")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_selector(".nav-user")
