"""Contract tests of Connect through the real stripe client and the payments gateway, against
the development Stripe peer (localstripe extended by ``devtools.stripe_connect``): accounts,
the stand-in hosted onboarding, transfers within the platform's balance, reversals within what
is left of a transfer and of the account's balance, idempotency keys."""

import json
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from payments import gateway
from payments.errors import PaymentRejected
from tests.payments.test_localstripe import saved_card

pytestmark = pytest.mark.localstripe


def _open(url: str, data: dict | None = None):
    """Follow the stand-in onboarding like a browser; the last URL reached."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        answer = opener.open(urllib.request.Request(url, data=body), timeout=5)
        return answer.status, answer.read().decode()
    except urllib.error.HTTPError as redirect:
        return redirect.code, redirect.headers.get("Location")


def _onboard(base: str, *, action: str) -> gateway.Account:
    account = gateway.create_account(
        email="ferme@exemple.fr", metadata={"owner": "producer-1"}, idempotency_key=""
    )
    assert not account.charges_enabled and account.currently_due
    url = gateway.create_account_link(
        account_id=account.id,
        return_url="http://127.0.0.1:9/retour/",
        refresh_url="http://127.0.0.1:9/activer/",
    )
    assert url.startswith(base)
    status, page = _open(url)
    assert status == 200 and account.id in page and "Compléter l'inscription" in page
    status, location = _open(url, {"action": action})
    assert (status, location) == (303, "http://127.0.0.1:9/retour/")
    # A used link sends the user to refresh_url, as Stripe does.
    assert _open(url) == (303, "http://127.0.0.1:9/activer/")
    return gateway.retrieve_account(account_id=account.id)


def _charge(base: str, amount: int, user_id: int) -> None:
    customer = gateway.create_customer(email=f"c{user_id}@exemple.fr", user_id=user_id)
    card = saved_card(base, customer)
    intent = gateway.create_payment_intent(
        amount_cents=amount,
        customer_id=customer,
        payment_method=card,
        capture_method="automatic",
        idempotency_key="",
        metadata={},
        transfer_group="distribution-9",
    )
    assert intent.status == "succeeded"


def _balance(base: str, account_id: str) -> int:
    url = f"{base}/_config/connect/accounts/{account_id}/balance"
    return json.load(urllib.request.urlopen(url, timeout=5))["available"]


@pytest.mark.django_db
def test_onboarding_completes_or_stays_pending(localstripe):
    active = _onboard(localstripe, action="complete")
    assert (active.charges_enabled, active.payouts_enabled, active.details_submitted) == (
        True,
        True,
        True,
    )
    assert active.currently_due == ()
    pending = _onboard(localstripe, action="pending")
    assert not pending.payouts_enabled and pending.details_submitted
    assert pending.currently_due == ("individual.verification.document",)


@pytest.mark.django_db
def test_transfers_and_reversals_follow_the_balances(localstripe):
    account = _onboard(localstripe, action="complete")
    _charge(localstripe, 5000, user_id=31)
    transfer = gateway.create_transfer(
        account_id=account.id,
        amount_cents=4000,
        transfer_group="distribution-9",
        idempotency_key="contract-transfer-1",
        metadata={"key": "contract-transfer-1"},
    )
    assert transfer.startswith("tr_")
    # The same key and body: the same transfer (Stripe's idempotency).
    again = gateway.create_transfer(
        account_id=account.id,
        amount_cents=4000,
        transfer_group="distribution-9",
        idempotency_key="contract-transfer-1",
        metadata={"key": "contract-transfer-1"},
    )
    assert again == transfer
    assert _balance(localstripe, account.id) == 4000
    # More than the platform holds is refused.
    with pytest.raises(PaymentRejected) as refused:
        gateway.create_transfer(
            account_id=account.id,
            amount_cents=10**9,
            transfer_group="distribution-9",
            idempotency_key="contract-transfer-2",
            metadata={},
        )
    assert refused.value.extra["stripe_code"] == "balance_insufficient"
    reversal = gateway.create_transfer_reversal(
        transfer_id=transfer, amount_cents=1500, idempotency_key="contract-rev-1", metadata={}
    )
    assert reversal.startswith("trr_")
    assert _balance(localstripe, account.id) == 2500
    # Beyond what is left of the transfer: refused.
    with pytest.raises(PaymentRejected):
        gateway.create_transfer_reversal(
            transfer_id=transfer, amount_cents=2600, idempotency_key="contract-rev-2", metadata={}
        )
    # The account paid its balance out to its bank: it cannot give back.
    urllib.request.urlopen(
        urllib.request.Request(
            f"{localstripe}/_config/connect/accounts/{account.id}/payout", data=b""
        ),
        timeout=5,
    )
    with pytest.raises(PaymentRejected) as short:
        gateway.create_transfer_reversal(
            transfer_id=transfer, amount_cents=100, idempotency_key="contract-rev-3", metadata={}
        )
    assert short.value.extra["stripe_code"] == "balance_insufficient"


@pytest.mark.django_db
def test_a_transfer_to_an_account_not_active_is_refused(localstripe):
    pending = _onboard(localstripe, action="pending")
    _charge(localstripe, 1000, user_id=32)
    with pytest.raises(PaymentRejected) as refused:
        gateway.create_transfer(
            account_id=pending.id,
            amount_cents=500,
            transfer_group="distribution-9",
            idempotency_key="",
            metadata={},
        )
    assert refused.value.extra["stripe_code"] == "insufficient_capabilities_for_transfer"
    with pytest.raises(PaymentRejected):
        gateway.retrieve_account(account_id="acct_unknown")
    assert settings.STRIPE_CONNECT_WEBHOOK_SECRET
