"""Money given back at the sale close goes to credit for households that chose so."""

import pytest

from orders.services import close_distribution
from payments.models import Refund
from payments.services.wallet import balance, set_refund_preference
from tests.factories import UserFactory
from tests.orders.test_closing import _after_cutoff, _paid_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("to_credit", [True, False])
def test_a_farm_below_its_minimum_is_given_back_as_credit_or_to_the_card(
    far_market,
    fake_stripe,
    to_credit,
    django_capture_on_commit_callbacks,
):
    household = UserFactory()
    set_refund_preference(household=household, to_credit=to_credit)
    # 2 × 3.00 € kept; 1 × 4.35 € from farm B (minimum 20 €) given back at the close
    _paid_order(far_market, [(far_market.a.offers[0], 2), (far_market.b.offers[0], 1)], household)
    with _after_cutoff(far_market), django_capture_on_commit_callbacks(execute=True):
        close_distribution(distribution=far_market.distribution)
        close_distribution(distribution=far_market.distribution)
    refund = Refund.objects.get()
    assert refund.amount_cents == 435
    if to_credit:
        assert balance(household=household) == 435
        assert fake_stripe.refunds == []
        assert refund.stripe_refund_id == "credit"
    else:
        assert balance(household=household) == 0
        assert [amount for _intent, amount in fake_stripe.refunds] == [435]
