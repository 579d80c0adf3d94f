from tests.browser.axe import AUDITS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print what the axe crawl audited, whether it passed or not (CI's log shows the count)."""
    audits = config.stash.get(AUDITS, [])
    if not audits:
        return
    pages = sum(a.pages for a in audits)
    violations = sum(len(a.violations) for a in audits)
    terminalreporter.write_sep("-", "accessibility")
    terminalreporter.write_line(f"axe crawl: {pages} pages, {violations} violations")
