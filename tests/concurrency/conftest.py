"""Fixtures of the orders tests, shared with the race tests."""

from tests.orders.conftest import far_market, market  # noqa: F401
