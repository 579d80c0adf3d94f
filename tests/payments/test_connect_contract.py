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


# --- Destination charges: the farm is the seller of record, the platform keeps its fee ----------


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _stripe_balance(account_id: str = "") -> dict:
    """``GET /v1/balance`` through the stripe client: the platform's, or the account's."""
    options = {"stripe_account": account_id} if account_id else {}
    return _plain(gateway.client().v1.balance.retrieve(options=options))


def _platform() -> int:
    return _stripe_balance()["available"][0]["amount"]


def _destination_charge(
    base: str, user_id: int, account_id: str, amount: int, fee: int, capture_method: str
) -> gateway.Intent:
    customer = gateway.create_customer(email=f"c{user_id}@exemple.fr", user_id=user_id)
    return gateway.create_payment_intent(
        amount_cents=amount,
        customer_id=customer,
        payment_method=saved_card(base, customer),
        capture_method=capture_method,
        idempotency_key="",
        metadata={},
        transfer_group=f"season-{user_id}",
        seller=gateway.SellerOfRecord(account_id=account_id, application_fee_cents=fee),
    )


def _charge_of(intent_id: str) -> dict:
    intent = _plain(gateway.client().v1.payment_intents.retrieve(intent_id))
    charge = intent["latest_charge"]
    charge_id = charge if isinstance(charge, str) else charge["id"]
    return _plain(gateway.client().v1.charges.retrieve(charge_id))


def _transfer(transfer_id: str) -> dict:
    return _plain(gateway.client().v1.transfers.retrieve(transfer_id))


@pytest.mark.django_db
def test_a_destination_charge_sends_the_amount_less_the_fee_and_refunds_take_it_back(
    localstripe,
):
    account = _onboard(localstripe, action="complete")
    platform = _platform()
    intent = _destination_charge(
        localstripe, 41, account.id, amount=3333, fee=333, capture_method="automatic"
    )
    assert intent.status == "succeeded"
    charge = _charge_of(intent.id)
    assert charge["transfer"].startswith("tr_")
    assert charge["application_fee_amount"] == 333
    assert charge["transfer_data"]["destination"] == account.id
    assert charge["on_behalf_of"] == account.id
    transfer = _transfer(charge["transfer"])
    assert (transfer["amount"], transfer["destination"]) == (3000, account.id)
    assert transfer["source_transaction"] == charge["id"]
    assert transfer["transfer_group"] == "season-41"
    fee = _plain(gateway.client().v1.application_fees.retrieve(charge["application_fee"]))
    assert (fee["object"], fee["amount"], fee["account"], fee["charge"]) == (
        "application_fee",
        333,
        account.id,
        charge["id"],
    )
    # The farm holds the amount less the fee; the platform only gained its fee.
    assert _balance(localstripe, account.id) == 3000
    assert _platform() - platform == 333

    # A refund with the transfer reversed: in proportion, rounded down (3000 × 1000 / 3333).
    gateway.create_refund(
        intent_id=intent.id, amount_cents=1000, idempotency_key="", destination_charge=True
    )
    transfer = _transfer(charge["transfer"])
    assert transfer["amount_reversed"] == 900
    assert [r["amount"] for r in transfer["reversals"]["data"]] == [900]
    assert _balance(localstripe, account.id) == 2100
    assert _platform() - platform == 233  # the fee given back in proportion
    gateway.create_refund(
        intent_id=intent.id, amount_cents=1000, idempotency_key="", destination_charge=True
    )
    assert _transfer(charge["transfer"])["amount_reversed"] == 1800
    # The refund that completes the charge takes what is left of the transfer and of the fee.
    gateway.create_refund(
        intent_id=intent.id, amount_cents=1333, idempotency_key="", destination_charge=True
    )
    transfer = _transfer(charge["transfer"])
    assert (transfer["amount_reversed"], transfer["reversed"]) == (3000, True)
    assert [r["amount"] for r in transfer["reversals"]["data"]] == [900, 900, 1200]
    assert _balance(localstripe, account.id) == 0
    assert _platform() == platform
    fee = _plain(gateway.client().v1.application_fees.retrieve(charge["application_fee"]))
    assert (fee["amount_refunded"], fee["refunded"]) == (333, True)
    # Nothing is left to refund.
    with pytest.raises(PaymentRejected):
        gateway.create_refund(
            intent_id=intent.id, amount_cents=1, idempotency_key="", destination_charge=True
        )


@pytest.mark.django_db
def test_a_destination_charge_captured_later_sends_what_was_captured(localstripe):
    account = _onboard(localstripe, action="complete")
    platform = _platform()
    intent = _destination_charge(
        localstripe, 42, account.id, amount=4000, fee=400, capture_method="manual"
    )
    assert intent.status == "requires_capture"
    charge = _charge_of(intent.id)
    # Authorised only: nothing moved yet, the charge already shows its destination.
    assert charge["transfer"] is None and charge["transfer_data"]["destination"] == account.id
    assert _balance(localstripe, account.id) == 0
    captured = gateway.capture_payment_intent(
        intent_id=intent.id, amount_cents=3000, idempotency_key=""
    )
    assert captured.status == "succeeded"
    charge = _charge_of(intent.id)
    assert _transfer(charge["transfer"])["amount"] == 2600
    assert _balance(localstripe, account.id) == 2600
    assert _platform() - platform == 400
    # The farm paid its balance out: a refund still takes the farm's share back from it, below
    # zero (the platform is liable for a destination charge).
    urllib.request.urlopen(
        urllib.request.Request(
            f"{localstripe}/_config/connect/accounts/{account.id}/payout", data=b""
        ),
        timeout=5,
    )
    gateway.create_refund(
        intent_id=intent.id, amount_cents=1500, idempotency_key="", destination_charge=True
    )
    assert _balance(localstripe, account.id) == -1300
    assert _platform() - platform == 200


@pytest.mark.django_db
def test_a_platform_refund_of_a_destination_charge_is_paid_by_the_platform(localstripe):
    account = _onboard(localstripe, action="complete")
    platform = _platform()
    intent = _destination_charge(
        localstripe, 43, account.id, amount=2000, fee=200, capture_method="automatic"
    )
    gateway.create_refund(intent_id=intent.id, amount_cents=500, idempotency_key="")
    charge = _charge_of(intent.id)
    assert _transfer(charge["transfer"])["amount_reversed"] == 0
    assert _balance(localstripe, account.id) == 1800
    assert _platform() - platform == 200 - 500


@pytest.mark.django_db
def test_a_destination_charge_is_refused_for_an_account_that_cannot_take_it(localstripe):
    pending = _onboard(localstripe, action="pending")
    active = _onboard(localstripe, action="complete")
    with pytest.raises(PaymentRejected) as refused:
        _destination_charge(
            localstripe, 44, pending.id, amount=1000, fee=100, capture_method="automatic"
        )
    assert refused.value.extra["stripe_code"] == "insufficient_capabilities_for_transfer"
    with pytest.raises(PaymentRejected) as unknown:
        _destination_charge(
            localstripe, 45, "acct_unknown", amount=1000, fee=100, capture_method="automatic"
        )
    assert unknown.value.extra["stripe_code"] == "resource_missing"
    with pytest.raises(PaymentRejected):
        _destination_charge(
            localstripe, 46, active.id, amount=1000, fee=1001, capture_method="automatic"
        )
    assert _balance(localstripe, pending.id) == _balance(localstripe, active.id) == 0


@pytest.mark.django_db
def test_the_balance_is_the_platforms_or_the_accounts_with_the_stripe_account_header(
    localstripe,
):
    import stripe

    account = _onboard(localstripe, action="complete")
    before = _stripe_balance()
    _destination_charge(
        localstripe, 47, account.id, amount=1500, fee=150, capture_method="automatic"
    )
    balance = _stripe_balance(account.id)
    assert balance["object"] == "balance" and balance["livemode"] is False
    assert [(b["amount"], b["currency"]) for b in balance["available"]] == [(1350, "eur")]
    assert [(b["amount"], b["currency"]) for b in balance["pending"]] == [(0, "eur")]
    # Without the header, the platform's: cards captured less refunds less transfers.
    platform = _stripe_balance()
    assert platform["object"] == "balance"
    assert platform["available"][0]["currency"] == "eur"
    assert platform["available"][0]["amount"] - before["available"][0]["amount"] == 150
    assert _balance(localstripe, account.id) == 1350  # the development control agrees
    with pytest.raises(stripe.PermissionError) as unknown:
        _stripe_balance("acct_unknown")
    assert unknown.value.http_status == 403
    assert unknown.value.json_body["error"]["code"] == "account_invalid"


@pytest.mark.django_db
def test_refunds_that_reverse_the_transfer_or_give_the_fee_back_alone(localstripe):
    """Stripe's flags one at a time (the gateway sends both): reversing the transfer alone, the
    farm also pays the fee's share (the platform keeps its fee); giving the fee back alone, the
    platform pays the refund and the fee's share goes to the farm."""
    account = _onboard(localstripe, action="complete")
    platform = _platform()
    intent = _destination_charge(
        localstripe, 48, account.id, amount=1000, fee=100, capture_method="automatic"
    )
    refunds = gateway.client().v1.refunds
    refunds.create(params={"payment_intent": intent.id, "amount": 500, "reverse_transfer": True})
    charge = _charge_of(intent.id)
    assert _transfer(charge["transfer"])["amount_reversed"] == 450
    assert _balance(localstripe, account.id) == 400
    assert _platform() - platform == 100
    refunds.create(
        params={"payment_intent": intent.id, "amount": 500, "refund_application_fee": True}
    )
    assert _transfer(charge["transfer"])["amount_reversed"] == 450
    fee = _plain(gateway.client().v1.application_fees.retrieve(charge["application_fee"]))
    assert fee["amount_refunded"] == 50
    assert _balance(localstripe, account.id) == 450
    assert _platform() - platform == 100 - 500 - 50
