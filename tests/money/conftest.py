from tests.orders.conftest import far_market, market  # noqa: F401  (shared fixtures)
from tests.subscriptions.conftest import amap  # noqa: F401
