"""The orders tests' fixtures (a market with farms and a household), shared here."""

from tests.orders.conftest import far_market, market  # noqa: F401
