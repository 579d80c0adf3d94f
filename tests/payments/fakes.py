"""A fake Stripe at the ``payments.gateway`` seam: it keeps PaymentIntents, honours idempotency
keys like Stripe does (same key → same answer, once), declines and 3-D Secure by card."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import replace

from payments import gateway
from payments.errors import CardDeclined, InvalidPaymentMethod, PaymentRejected, PaymentUnavailable

DECLINED = "pm_card_chargeDeclined"
THREE_D_SECURE = "pm_card_threeDSecure2Required"
VISA = "pm_card_visa"
TEST_CARDS = {VISA: "4242", DECLINED: "0341", THREE_D_SECURE: "3184"}


class FakeStripe:
    def __init__(self):
        self.intents: dict[str, gateway.Intent] = {}
        self.refunds: list[tuple[str, int]] = []
        self.calls: list[str] = []
        self.owners: dict[str, str] = {}  # payment method → customer it is attached to
        self.detached: list[str] = []  # payment methods detached, in order
        self.deleted_customers: list[str] = []  # customers deleted (erased accounts)
        self.delay = 0.0  # seconds each PaymentIntent creation takes (races)
        self.create_requests = 0  # calls to create a PaymentIntent, idempotent replays included
        self.lose_next_answer = False  # Stripe did it, but the answer never reached us
        self.down = False
        self._keys: dict[str, object] = {}
        self.accounts: dict[str, gateway.Account] = {}
        self.account_balance: dict[str, int] = {}
        self.paid_out: dict[str, int] = {}
        self.transfers: dict[str, tuple[str, int, str]] = {}
        self.reversals: list[tuple[str, int]] = []
        self.links: list[tuple[str, str]] = []
        # Destination charges: PaymentIntent → (connected account, platform's fee).
        self.destinations: dict[str, tuple[str, int]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    # --- helpers ------------------------------------------------------------------------
    def _idempotent(self, key, make):
        with self._lock:
            if self.down:
                raise PaymentUnavailable()
            if key and key in self._keys:
                answer = self._keys[key]
            else:
                try:
                    answer = make()
                except CardDeclined as exc:
                    answer = exc
                if key:
                    self._keys[key] = answer
            if self.lose_next_answer:
                self.lose_next_answer = False
                raise PaymentUnavailable()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def _new_id(self, prefix):
        return f"{prefix}_{next(self._ids):06d}"

    def captured(self, intent_id) -> int:
        refunded = sum(a for i, a in self.refunds if i == intent_id)
        return self.intents[intent_id].amount_received - refunded

    # --- the seam -----------------------------------------------------------------------
    def create_customer(self, *, email, user_id):
        return self._idempotent(f"customer-{user_id}", lambda: self._new_id("cus"))

    def create_setup_intent(self, *, customer_id):
        def make():
            seti = self._new_id("seti")
            return gateway.Intent(seti, "requires_payment_method", client_secret=f"{seti}_secret")

        return self._idempotent(None, make)

    def retrieve_card(self, *, payment_method):
        return gateway.Card(brand="visa", last4=TEST_CARDS.get(payment_method, "4242"))

    def list_cards(self, *, customer_id):
        return {
            pm: gateway.Card(brand="visa", last4=TEST_CARDS.get(pm, "4242"))
            for pm, owner in self.owners.items()
            if owner == customer_id
        }

    def detach_card(self, *, payment_method):
        with self._lock:
            if self.down:
                raise PaymentUnavailable()
            self.calls.append("detach_card")
            self.detached.append(payment_method)
            self.owners.pop(payment_method, None)

    def customer_card(self, *, payment_method, customer_id, setup_intent_id=""):
        """The test cards (VISA, DECLINED, THREE_D_SECURE) stand for a card the paying household
        has just saved through its own SetupIntent. Other cards are the customers' of
        ``owners`` (a test sets them); any other id is unknown to Stripe."""
        with self._lock:
            if self.down:
                raise PaymentUnavailable()
            if payment_method in TEST_CARDS:
                return gateway.Card(brand="visa", last4=TEST_CARDS[payment_method])
            if self.owners.get(payment_method) != customer_id:
                raise InvalidPaymentMethod()
            return gateway.Card(brand="visa", last4="4242")

    def create_payment_intent(
        self,
        *,
        amount_cents,
        customer_id,
        payment_method,
        capture_method,
        idempotency_key,
        metadata,
        transfer_group="",
        seller=None,
    ):
        self.create_requests += 1
        if self.delay:
            time.sleep(self.delay)

        def make():
            self.calls.append("create_payment_intent")
            if seller is not None:
                account = self.accounts.get(seller.account_id)
                if account is not None and not account.charges_enabled:
                    raise PaymentRejected(stripe_code="insufficient_capabilities_for_transfer")
                assert seller.application_fee_cents <= amount_cents
            if payment_method == DECLINED:
                raise CardDeclined(decline_code="card_declined")
            pi = self._new_id("pi")
            status = (
                "requires_action"
                if payment_method == THREE_D_SECURE
                else ("requires_capture" if capture_method == "manual" else "succeeded")
            )
            intent = gateway.Intent(
                pi,
                status,
                client_secret=f"{pi}_secret",
                amount=amount_cents,
                amount_capturable=amount_cents if status == "requires_capture" else 0,
                amount_received=amount_cents if status == "succeeded" else 0,
                payment_method=payment_method,
                capture_method=capture_method,
                metadata=dict(metadata),
            )
            self.intents[pi] = intent
            if seller is not None:
                self.destinations[pi] = (seller.account_id, seller.application_fee_cents)
                if status == "succeeded":
                    self._charge_for(pi, amount_cents)
            return intent

        return self._idempotent(idempotency_key, make)

    def _charge_for(self, intent_id, captured):
        """A destination charge captured: what the platform does not keep goes to the seller."""
        account_id, fee = self.destinations[intent_id]
        self.account_balance[account_id] = self.account_balance.get(account_id, 0) + captured - fee

    def authenticate(self, intent_id):
        """What the browser's confirmCardPayment does after 3-D Secure."""
        with self._lock:
            intent = self.intents[intent_id]
            manual = intent.capture_method == "manual"
            self.intents[intent_id] = replace(
                intent,
                status="requires_capture" if manual else "succeeded",
                amount_capturable=intent.amount if manual else 0,
                amount_received=0 if manual else intent.amount,
            )
            if not manual and intent_id in self.destinations:
                self._charge_for(intent_id, intent.amount)

    def retrieve_payment_intent(self, *, intent_id):
        with self._lock:
            if self.down:
                raise PaymentUnavailable()
            if intent_id not in self.intents:  # Stripe: 404 resource_missing
                raise PaymentRejected(stripe_code="resource_missing")
            return self.intents[intent_id]

    def capture_payment_intent(self, *, intent_id, amount_cents, idempotency_key):
        def make():
            intent = self.intents[intent_id]
            assert intent.status == "requires_capture", intent
            assert amount_cents <= intent.amount_capturable
            self.intents[intent_id] = replace(
                intent, status="succeeded", amount_capturable=0, amount_received=amount_cents
            )
            if intent_id in self.destinations:
                self._charge_for(intent_id, amount_cents)
            return self.intents[intent_id]

        return self._idempotent(idempotency_key, make)

    def cancel_payment_intent(self, *, intent_id, idempotency_key):
        def make():
            intent = self.intents[intent_id]
            assert intent.status != "succeeded"
            self.intents[intent_id] = replace(intent, status="canceled", amount_capturable=0)
            return self.intents[intent_id]

        return self._idempotent(idempotency_key, make)

    def create_refund(self, *, intent_id, amount_cents, idempotency_key, destination_charge=False):
        def make():
            assert self.captured(intent_id) >= amount_cents
            assert destination_charge == (intent_id in self.destinations)
            if destination_charge:  # the seller's part and the fee, in proportion
                account_id, fee = self.destinations[intent_id]
                received = self.intents[intent_id].amount_received
                seller_part = (received - fee) * amount_cents // received
                self.account_balance[account_id] -= seller_part
            self.refunds.append((intent_id, amount_cents))
            return self._new_id("re")

        return self._idempotent(idempotency_key, make)

    def delete_customer(self, *, customer_id):
        with self._lock:
            if self.down:
                raise PaymentUnavailable()
            self.deleted_customers.append(customer_id)

    # --- Connect ------------------------------------------------------------------------
    def platform_balance(self) -> int:
        """Card money captured and not refunded, less what went out to connected accounts."""
        captured = sum(self.captured(pi) for pi in self.intents)
        return captured - sum(self.account_balance.values()) - sum(self.paid_out.values())

    def create_account(self, *, email, metadata, idempotency_key, business_name=""):
        def make():
            account = gateway.Account(id=self._new_id("acct"), currently_due=("business_type",))
            self.accounts[account.id] = account
            self.account_balance[account.id] = 0
            return account

        return self._idempotent(idempotency_key, make)

    def activate(self, account_id, *, active=True):
        """What completing Stripe's hosted onboarding does to the account."""
        with self._lock:
            self.accounts[account_id] = (
                gateway.Account(account_id, True, True, True)
                if active
                else gateway.Account(
                    account_id,
                    details_submitted=True,
                    currently_due=("individual.verification.document",),
                )
            )
            return self.accounts[account_id]

    def retrieve_account(self, *, account_id):
        with self._lock:
            if self.down:
                raise PaymentUnavailable()
            return self.accounts[account_id]

    def create_account_link(self, *, account_id, refresh_url, return_url):
        with self._lock:
            if self.down:
                raise PaymentUnavailable()
            assert account_id in self.accounts
            self.links.append((account_id, return_url))
            return f"https://connect.stripe.test/setup/{account_id}"

    def pay_out(self, account_id):
        """The account pays its whole balance out to its bank."""
        with self._lock:
            self.paid_out[account_id] = (
                self.paid_out.get(account_id, 0) + self.account_balance[account_id]
            )
            self.account_balance[account_id] = 0

    def create_transfer(
        self, *, account_id, amount_cents, transfer_group, idempotency_key, metadata
    ):
        self.create_requests += 1
        if self.delay:
            time.sleep(self.delay)

        def make():
            account = self.accounts.get(account_id)
            if account is None or not account.payouts_enabled:
                raise PaymentRejected(stripe_code="account_invalid")
            if amount_cents > self.platform_balance():
                raise PaymentRejected(stripe_code="balance_insufficient")
            transfer_id = self._new_id("tr")
            self.transfers[transfer_id] = (account_id, amount_cents, transfer_group)
            self.account_balance[account_id] = (
                self.account_balance.get(account_id, 0) + amount_cents
            )
            return transfer_id

        return self._idempotent(idempotency_key, make)

    def create_transfer_reversal(self, *, transfer_id, amount_cents, idempotency_key, metadata):
        def make():
            account_id, amount, _group = self.transfers[transfer_id]
            left = amount - sum(a for t, a in self.reversals if t == transfer_id)
            if amount_cents > left:
                raise PaymentRejected(stripe_code="invalid_request")
            if amount_cents > self.account_balance[account_id]:
                raise PaymentRejected(stripe_code="balance_insufficient")
            self.reversals.append((transfer_id, amount_cents))
            self.account_balance[account_id] -= amount_cents
            return self._new_id("trr")

        return self._idempotent(idempotency_key, make)

    def transferred(self, account_id) -> int:
        """What went to ``account_id``, less what was taken back."""
        sent = sum(a for acct, a, _g in self.transfers.values() if acct == account_id)
        back = sum(a for t, a in self.reversals if self.transfers[t][0] == account_id)
        return sent - back

    SEAM = (
        "create_account",
        "retrieve_account",
        "create_account_link",
        "create_transfer",
        "create_transfer_reversal",
        "create_customer",
        "delete_customer",
        "create_setup_intent",
        "retrieve_card",
        "list_cards",
        "detach_card",
        "customer_card",
        "create_payment_intent",
        "retrieve_payment_intent",
        "capture_payment_intent",
        "cancel_payment_intent",
        "create_refund",
    )
