"""The basket offer e-mail: in the household's language, text and HTML, the expiry in
Europe/Paris, once per offer."""

import pytest
from django.utils import translation

from common.emails import format_datetime
from subscriptions.emails import send_basket_offer
from subscriptions.models import SubscriptionWaitlistEntry
from subscriptions.services import cancel_subscription, join_waitlist, subscribe
from tests.factories import UserFactory
from tests.orders.test_emails import both, only_mail
from tests.subscriptions.conftest import make_amap

pytestmark = pytest.mark.django_db


def test_the_basket_offer_in_english_with_the_paris_expiry_once(
    fake_stripe, django_capture_on_commit_callbacks
):
    amap = make_amap(max_subscribers=1)
    first = subscribe(household=UserFactory(), season=amap.season, pickup_point=amap.point)
    waiting = UserFactory(language="en")
    join_waitlist(household=waiting, season=amap.season, pickup_point=amap.point)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_subscription(subscription=first)
    message = only_mail(waiting)
    entry = SubscriptionWaitlistEntry.objects.get(household=waiting)
    assert message.subject.startswith("A place is free: ")
    with translation.override("en"):
        expires = format_datetime(entry.offer_expires_at)
    assert expires in both(message)
    assert send_basket_offer(entry_id=entry.pk) == 0
