"""axe-core in the browser tests: the rules run, how pages are crawled, how results are counted.

axe-core is an npm package pinned in the repository's package.json (``npm ci`` puts it under
node_modules/); the tests that need it skip with that reason when it is absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MISSING = f"needs axe-core at {AXE_JS.relative_to(ROOT)} (run `npm ci` at the repository root)"

# RGAA 4.1 follows WCAG 2.1 AA: the A and AA rules of WCAG 2.0 and 2.1.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Where a run keeps its audits for the terminal summary (tests/browser/conftest.py).
AUDITS = pytest.StashKey[list]()

# What a crawl does not open: other tools' pages (the Django admin, the API and its Swagger UI,
# which is for developers), files that are not HTML pages, and links that act (log out, language).
SKIPPED_VIEWS = {"logout", "set_language", "javascript-catalog", "healthz", "stripe_webhook"}
SKIPPED_NAMESPACES = {"admin", "api"}
SKIPPED_SUFFIXES = (".csv", ".pdf", ".png", ".svg", ".zip", ".xml", ".ics", ".json")
SKIPPED_PREFIXES = ("/static/", "/media/", "/api/", "/admin/")


def view_name(path: str) -> str | None:
    """The kind of page a path shows (its view's name), or None when the crawl skips it."""
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIPPED_VIEWS or set(match.namespaces) & SKIPPED_NAMESPACES:
        return None
    if match.view_name == "api-docs":
        return None
    return match.view_name


@dataclass
class Audit:
    """Every page audited in a run and what axe found on it."""

    pages: int = 0
    audited: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    overflowing: list[str] = field(default_factory=list)

    def check(self, page: Page, label: str, *, exclude: tuple[str, ...] = ()) -> list[dict]:
        """Run axe on the page as it is now; record and return its violations."""
        found = page.evaluate(
            """async ([tags, exclude]) => {
                const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
                const result = await axe.run(context, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],  // passes are not collected: faster
                });
                return result.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
                }));
            }""",
            [TAGS, list(exclude)],
        )
        self.pages += 1
        self.audited.append(label)
        for violation in found:
            violation["page"] = label
        self.violations.extend(found)
        return found

    def check_reflow(self, page: Page, label: str) -> dict | None:
        """WCAG 1.4.10: at this width the page needs no horizontal scrolling (a data table
        may scroll inside its own region, ``.table-scroll``). Records and returns the first
        element sticking out, or None."""
        found = page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= width) return null;
                for (const el of document.body.querySelectorAll("*")) {
                    if (el.getBoundingClientRect().right > width + 1 && !el.closest(".table-scroll")) {
                        return {width, what: el.outerHTML.slice(0, 160)};
                    }
                }
                return {width, what: "(nothing found)"};
            }"""
        )
        if found:
            self.overflowing.append(f"{label}: wider than {found['width']}px: {found['what']}")
        return found

    def report(self) -> str:
        lines = [f"axe crawl: {self.pages} pages, {len(self.violations)} violations"]
        for v in self.violations:
            lines.append(f"  [{v['impact']}] {v['id']} on {v['page']}: {v['help']} {v['nodes']}")
        return "\n".join(lines)


def same_site_links(page: Page, origin: str) -> list[str]:
    """The site's own links on the page (paths with their query, without fragments)."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map((a) => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths
