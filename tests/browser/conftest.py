from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.browser.axe import AUDITS

# The test server answers one request at a time. Its threads would share the one connection
# of the in-memory SQLite database: two requests at once (an htmx update still in flight
# when the next click lands) broke each other's transactions ("no such savepoint", "cannot
# start a transaction within a transaction"). Django closes each connection after its
# response when the server is not threaded, so a browser's keep-alive never blocks it.


class SerialWSGIServer(WSGIServer):
    """Requests handled in the server's own thread, which already holds the shared
    connections (``LiveServerThread.run``): the override is not needed per request."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = SerialWSGIServer


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print what the axe crawl audited, whether it passed or not (CI's log shows the count)."""
    audits = config.stash.get(AUDITS, [])
    if not audits:
        return
    pages = sum(a.pages for a in audits)
    violations = sum(len(a.violations) for a in audits)
    terminalreporter.write_sep("-", "accessibility")
    terminalreporter.write_line(f"axe crawl: {pages} pages, {violations} violations")
