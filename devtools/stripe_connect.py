"""What the development Stripe peer (localstripe) needs to take the app's Connect requests.

localstripe has no Stripe Connect and refuses parameters it does not know with a 400. This
first step teaches its PaymentIntent the charge parameters of Connect (``transfer_group``,
``on_behalf_of``, ``transfer_data``, ``application_fee_amount``) and its Refund
``reverse_transfer`` / ``refund_application_fee``: they are checked for type and echoed on the
object, as Stripe does, and refused when Stripe would refuse them. It also takes
``allowed_payment_method_types``, the name the typed client gives the payment method types.
Below, the Connect resources the app uses, the money movements of destination charges and their
refunds, and ``GET /v1/balance`` for the platform or (``Stripe-Account`` header) an account.
"""

from __future__ import annotations

from functools import wraps

CHARGE_PARAMS = ("transfer_group", "on_behalf_of", "transfer_data", "application_fee_amount")
REFUND_PARAMS = ("reverse_transfer", "refund_application_fee")


def _valid_charge(params: dict, rest: dict) -> None:
    """Connect's charge parameters, as Stripe checks them: well formed, then an
    ``on_behalf_of`` and a ``transfer_data[destination]`` that exist (the destination able to
    take charges), and an ``application_fee_amount`` only on a destination charge and never
    above its ``amount``. ``rest``: the intent's other parameters."""
    from localstripe.errors import UserError

    group = params.get("transfer_group")
    if group is not None and not (isinstance(group, str) and group):
        raise UserError(400, "Bad request: transfer_group")
    for name in ("on_behalf_of",):
        value = params.get(name)
        if value is not None and not (isinstance(value, str) and value.startswith("acct_")):
            raise UserError(400, f"Bad request: {name}")
    data = params.get("transfer_data")
    if data is not None:
        destination = data.get("destination") if isinstance(data, dict) else None
        if not (isinstance(destination, str) and destination.startswith("acct_")):
            raise UserError(400, "Bad request: transfer_data[destination]")
    fee = params.get("application_fee_amount")
    if fee is not None:
        try:
            if int(fee) < 0:
                raise ValueError
        except (TypeError, ValueError):
            raise UserError(400, "Bad request: application_fee_amount") from None
    _valid_destination(params, rest)


def _valid_destination(params: dict, rest: dict) -> None:
    behalf = params.get("on_behalf_of")
    if behalf is not None and _store().get("connect_account:" + behalf) is None:
        raise _error(
            400, f"No such account: '{behalf}'", code="resource_missing", param="on_behalf_of"
        )
    data = params.get("transfer_data")
    if data is not None:
        destination = _store().get("connect_account:" + data["destination"])
        if destination is None:
            raise _error(
                400,
                f"No such destination: '{data['destination']}'",
                code="resource_missing",
                param="transfer_data[destination]",
            )
        if not destination["charges_enabled"]:
            raise _error(
                400,
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                code="insufficient_capabilities_for_transfer",
                param="transfer_data[destination]",
            )
    fee = params.get("application_fee_amount")
    if fee is None:
        return
    if data is None:
        raise _error(
            400,
            "Can only apply an application_fee_amount when the PaymentIntent is attempting a "
            "direct payment (using an OAuth key or Stripe-Account header) or destination "
            "payment (using `transfer_data[destination]`).",
            param="application_fee_amount",
        )
    try:
        amount = int(rest.get("amount"))
    except (TypeError, ValueError):
        return  # localstripe refuses it
    if int(fee) > amount:
        raise _error(
            400,
            f"The application fee amount ({int(fee)}) cannot be greater than the amount "
            f"({amount}).",
            param="application_fee_amount",
        )


def _accepting(cls, names, check=None):
    original = cls.__init__
    if getattr(original, "_connect_params", False):
        return

    @wraps(original)
    def __init__(self, *args, **kwargs):
        extra = {name: kwargs.pop(name) for name in names if name in kwargs}
        if check is not None:
            check(extra, kwargs)
        if extra.get("application_fee_amount") is not None:  # form-encoded: a string
            extra["application_fee_amount"] = int(extra["application_fee_amount"])
        for flag in REFUND_PARAMS:
            if isinstance(extra.get(flag), str):
                extra[flag] = extra[flag] == "true"
        original(self, *args, **kwargs)
        for name in names:
            setattr(self, name, extra.get(name))

    __init__._connect_params = True
    cls.__init__ = __init__
    for name in names:  # objects stored before this ran show them as null
        if not hasattr(cls, name):
            setattr(cls, name, None)


def _allowed_types(cls) -> None:
    """stripe-python's typed parameters name ``allowed_payment_method_types`` what
    localstripe knows as ``payment_method_types``."""
    original = cls.__init__
    if getattr(original, "_allowed_types", False):
        return

    @wraps(original)
    def __init__(self, *args, **kwargs):
        if "allowed_payment_method_types" in kwargs:
            kwargs["payment_method_types"] = kwargs.pop("allowed_payment_method_types")
        original(self, *args, **kwargs)

    __init__._allowed_types = True
    cls.__init__ = __init__


def install(app=None) -> None:
    """Patch localstripe's resources in place and add the Connect routes to its ``app``
    (before the server starts or loads its state)."""
    from localstripe.resources import Charge, PaymentIntent, Refund, SetupIntent

    if app is not None:
        add_routes(app)

    _accepting(PaymentIntent, CHARGE_PARAMS, _valid_charge)
    _allowed_types(PaymentIntent)
    _allowed_types(SetupIntent)
    _accepting(Refund, REFUND_PARAMS)
    _paying_destinations(PaymentIntent, Charge)
    _refunding_destinations(Refund)


# --- Connect resources ----------------------------------------------------------------------
# Accounts, Account Links (with a local stand-in for Stripe's hosted onboarding), Transfers and
# Transfer Reversals, shaped as in Stripe's API reference, kept in localstripe's store (so they
# survive a restart of ``make run``). Transfers and reversals honour ``Idempotency-Key``: the same
# key with the same body answers the same object, as Stripe does.

NEW_ACCOUNT_DUE = ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]


def _store():
    from localstripe.resources import store

    return store


def _error(status: int, message: str, **contents):
    from localstripe.errors import UserError

    return UserError(status, message, contents=dict(contents))


def _new_id(prefix: str) -> str:
    import secrets

    return prefix + secrets.token_hex(8)


def _now() -> int:
    import time

    return int(time.time())


def _account(account_id: str) -> dict:
    account = _store().get("connect_account:" + account_id)
    if account is None:
        raise _error(404, f"No such account: '{account_id}'", code="resource_missing", param="id")
    return account


def _send_event(event_type: str, obj: dict, *, account: str = "") -> None:
    from localstripe.resources import Event
    from localstripe.webhooks import schedule_webhook

    class _Data:
        def _export(self, expand=None):
            return obj

    event = Event(event_type, _Data())
    if account:
        event.account = account
    schedule_webhook(event)


def _truthy(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


async def _body(request) -> dict:
    from localstripe.server import get_post_data

    return dict(await get_post_data(request) or {})


def _json(obj: dict, status: int = 200):
    from localstripe.errors import json_response

    return json_response(obj, status=status)


def _idempotent(request, body: dict, make):
    """Stripe's idempotency: the same key and body answer the first answer again."""
    import json

    key = request.headers.get("Idempotency-Key")
    if not key:
        return make()
    slot = "connect_idempotency:" + key
    fingerprint = json.dumps(body, sort_keys=True, default=str)
    seen = _store().get(slot)
    if seen is not None and seen[0] == fingerprint:
        return seen[1]
    answer = make()
    _store()[slot] = (fingerprint, answer)
    return answer


async def create_account(request):
    body = await _body(request)

    def make():
        capabilities = body.get("capabilities") or {}
        account = {
            "id": _new_id("acct_"),
            "object": "account",
            "type": body.get("type") or "express",
            "country": body.get("country") or "FR",
            "email": body.get("email"),
            "default_currency": body.get("default_currency") or "eur",
            "business_profile": body.get("business_profile") or {},
            "metadata": body.get("metadata") or {},
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "capabilities": dict.fromkeys(capabilities, "inactive"),
            "requirements": {
                "currently_due": list(NEW_ACCOUNT_DUE),
                "eventually_due": list(NEW_ACCOUNT_DUE),
                "past_due": [],
                "pending_verification": [],
                "disabled_reason": "requirements.past_due",
                "current_deadline": None,
            },
            "created": _now(),
            "livemode": False,
        }
        _store()["connect_account:" + account["id"]] = account
        _store()["connect_balance:" + account["id"]] = 0
        return account

    return _json(_idempotent(request, body, make))


async def retrieve_account(request):
    return _json(_account(request.match_info["id"]))


async def update_account(request):
    account = _account(request.match_info["id"])
    body = await _body(request)
    for name in ("email", "business_profile"):
        if name in body:
            account[name] = body[name]
    if isinstance(body.get("metadata"), dict):
        account["metadata"] = {**account["metadata"], **body["metadata"]}
    _store()["connect_account:" + account["id"]] = account
    return _json(account)


async def create_account_link(request):
    body = await _body(request)
    account = _account(str(body.get("account") or ""))
    for name in ("refresh_url", "return_url"):
        if not str(body.get(name) or "").startswith(("http://", "https://")):
            raise _error(400, f"Missing required param: {name}.", param=name)
    if body.get("type") not in ("account_onboarding", "account_update"):
        raise _error(
            400, "Invalid type: must be account_onboarding or account_update", param="type"
        )
    token = _new_id("")
    _store()["connect_link:" + token] = {
        "account": account["id"],
        "return_url": body["return_url"],
        "refresh_url": body["refresh_url"],
        "expires_at": _now() + 300,
        "used": False,
    }
    base = f"{request.scheme}://{request.host}"
    return _json(
        {
            "object": "account_link",
            "created": _now(),
            "expires_at": _now() + 300,
            "url": f"{base}/_config/connect/onboarding/{token}",
        }
    )


ONBOARDING_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inscription Stripe (simulation locale)</title>
<style>body{{font-family:sans-serif;margin:1.5rem;max-width:32rem}}
button{{display:block;width:100%;margin:.75rem 0;padding:.9rem;font-size:1rem}}</style>
</head><body><main>
<h1>Inscription aux virements</h1>
<p>Simulation locale de l'inscription Stripe pour le compte <strong>{account}</strong>
({name}).</p>
<form method="post">
<button type="submit" name="action" value="complete">Compléter l'inscription</button>
<button type="submit" name="action" value="pending">Laisser en attente</button>
</form></main></body></html>"""


def _link(token: str) -> dict | None:
    link = _store().get("connect_link:" + token)
    if link is None or link["used"] or link["expires_at"] < _now():
        return None
    return link


async def onboarding_page(request):
    from aiohttp import web

    token = request.match_info["token"]
    link = _link(token)
    if link is None:
        stored = _store().get("connect_link:" + token)
        if stored is None:
            raise _error(404, "No such account link")
        raise web.HTTPSeeOther(stored["refresh_url"])
    account = _account(link["account"])
    name = (account.get("business_profile") or {}).get("name") or account.get("email") or ""
    import html

    page = ONBOARDING_PAGE.format(account=html.escape(account["id"]), name=html.escape(name))
    return web.Response(text=page, content_type="text/html")


async def onboarding_answer(request):
    from aiohttp import web

    token = request.match_info["token"]
    link = _link(token)
    if link is None:
        stored = _store().get("connect_link:" + token)
        if stored is None:
            raise _error(404, "No such account link")
        raise web.HTTPSeeOther(stored["refresh_url"])
    form = await request.post()
    account = _account(link["account"])
    if form.get("action") == "complete":
        account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
        account["capabilities"] = dict.fromkeys(account["capabilities"], "active") or {
            "card_payments": "active",
            "transfers": "active",
        }
        account["requirements"].update(
            currently_due=[], eventually_due=[], past_due=[], disabled_reason=None
        )
    else:
        account.update(details_submitted=True)
        due = ["individual.verification.document"]
        account["requirements"].update(
            currently_due=due, eventually_due=due, disabled_reason="requirements.past_due"
        )
    link["used"] = True
    _store()["connect_link:" + token] = link
    _store()["connect_account:" + account["id"]] = account
    _store().dump_to_disk()
    _send_event("account.updated", account, account=account["id"])
    raise web.HTTPSeeOther(link["return_url"])


def _platform_available() -> int:
    """Card money captured and not refunded, less what went out to connected accounts."""
    store = _store()
    captured = sum(
        obj.amount - obj.amount_refunded
        for key, obj in list(store.items())
        if key.startswith("charge:")
        and getattr(obj, "captured", False)
        and getattr(obj, "status", "") == "succeeded"
    )
    out = sum(
        t["amount"] - t["amount_reversed"]
        for key, t in list(store.items())
        if key.startswith("connect_transfer:")
    )
    # What refunds of destination charges moved between the platform and the accounts
    # besides the reversals (see _refund_destination).
    return captured - out + store.get(PLATFORM_ADJUSTMENT, 0)


async def create_transfer(request):
    body = await _body(request)

    def make():
        try:
            amount = int(body.get("amount"))
            assert amount > 0
        except (TypeError, ValueError, AssertionError):
            raise _error(400, "Invalid positive integer", param="amount") from None
        if (body.get("currency") or "").lower() != "eur":
            raise _error(400, "Invalid currency", param="currency")
        destination = _store().get("connect_account:" + str(body.get("destination") or ""))
        if destination is None:
            raise _error(400, "No such destination", code="resource_missing", param="destination")
        if not destination["payouts_enabled"]:
            raise _error(
                400,
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                code="insufficient_capabilities_for_transfer",
                param="destination",
            )
        if amount > _platform_available():
            raise _error(
                400,
                "You have insufficient available funds in your Stripe account.",
                code="balance_insufficient",
            )
        transfer = {
            "id": _new_id("tr_"),
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "currency": "eur",
            "destination": destination["id"],
            "transfer_group": body.get("transfer_group"),
            "metadata": body.get("metadata") or {},
            "reversed": False,
            "reversals": {"object": "list", "data": [], "has_more": False},
            "created": _now(),
            "livemode": False,
        }
        _store()["connect_transfer:" + transfer["id"]] = transfer
        key = "connect_balance:" + destination["id"]
        _store()[key] = _store().get(key, 0) + amount
        _send_event("transfer.created", transfer)
        return transfer

    return _json(_idempotent(request, body, make))


def _transfer(transfer_id: str) -> dict:
    transfer = _store().get("connect_transfer:" + transfer_id)
    if transfer is None:
        raise _error(404, f"No such transfer: '{transfer_id}'", code="resource_missing")
    return transfer


async def retrieve_transfer(request):
    return _json(_transfer(request.match_info["id"]))


async def list_transfers(request):
    group = request.query.get("transfer_group")
    found = [
        t
        for key, t in list(_store().items())
        if key.startswith("connect_transfer:") and (group is None or t["transfer_group"] == group)
    ]
    found.sort(key=lambda t: t["created"], reverse=True)
    return _json({"object": "list", "data": found, "has_more": False, "url": "/v1/transfers"})


async def create_reversal(request):
    transfer = _transfer(request.match_info["id"])
    body = await _body(request)

    def make():
        left = transfer["amount"] - transfer["amount_reversed"]
        try:
            amount = int(body["amount"]) if "amount" in body else left
            assert amount > 0
        except (TypeError, ValueError, AssertionError):
            raise _error(400, "Invalid positive integer", param="amount") from None
        if amount > left:
            raise _error(
                400,
                f"You have requested a reversal of {amount} cents, but only {left} cents of "
                "this transfer remain to be reversed.",
                param="amount",
            )
        key = "connect_balance:" + transfer["destination"]
        if amount > _store().get(key, 0):
            raise _error(
                400,
                "Insufficient funds in the connected account to create this reversal.",
                code="balance_insufficient",
            )
        reversal = {
            "id": _new_id("trr_"),
            "object": "transfer_reversal",
            "amount": amount,
            "currency": "eur",
            "transfer": transfer["id"],
            "metadata": body.get("metadata") or {},
            "created": _now(),
        }
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        transfer["reversals"]["data"].append(reversal)
        _store()["connect_transfer:" + transfer["id"]] = transfer
        _store()[key] = _store()[key] - amount
        _send_event("transfer.reversed", transfer)
        return reversal

    return _json(_idempotent(request, body, make))


async def list_reversals(request):
    transfer = _transfer(request.match_info["id"])
    return _json(transfer["reversals"])


async def pay_out(request):
    """Development control: the account pays its whole balance out to its bank."""
    account = _account(request.match_info["id"])
    key = "connect_balance:" + account["id"]
    paid, _store()[key] = _store().get(key, 0), 0
    return _json({"object": "payout", "amount": paid, "destination": account["id"]})


async def account_balance(request):
    """Development control: what the account's Stripe balance holds."""
    account = _account(request.match_info["id"])
    return _json(
        {"account": account["id"], "available": _store().get("connect_balance:" + account["id"], 0)}
    )


# --- Destination charges ---------------------------------------------------------------------
# A PaymentIntent with ``transfer_data[destination]``: when its charge is captured (at confirm, or
# by a later, possibly partial, capture) the captured amount less the application fee goes to the
# destination as a transfer whose ``source_transaction`` is the charge, and the fee stays with the
# platform as an application fee (``fee_…``). A refund with ``reverse_transfer`` takes back that
# transfer in proportion to the amount refunded (rounded down; the refund that completes the
# charge takes the rest), even below zero on the account (the platform is liable for a
# destination charge); ``refund_application_fee`` gives the fee back in proportion. Stripe's
# money movements, with the transfer net of the fee: both flags, the account gives back its share
# and the platform its fee's share; ``reverse_transfer`` alone, the account also pays the fee's
# share; ``refund_application_fee`` alone, the platform pays the refund and the fee's share goes
# to the account; neither, the platform pays the refund.

PLATFORM_ADJUSTMENT = "connect_platform_adjustment"


def _charge_fields(intent, charge) -> None:
    """A destination charge shows its intent's Connect parameters, as Stripe's charge does."""
    for name in ("on_behalf_of", "transfer_data", "application_fee_amount"):
        setattr(charge, name, getattr(intent, name, None))
    if getattr(intent, "transfer_data", None) and not getattr(charge, "transfer_group", None):
        charge.transfer_group = getattr(intent, "transfer_group", None) or f"group_{intent.id}"


def _pay_destination(intent) -> None:
    charge = intent.latest_charge
    if charge is None:
        return
    _charge_fields(intent, charge)
    data = getattr(intent, "transfer_data", None)
    if not data or getattr(charge, "transfer", None) or not charge.captured:
        return
    captured = charge.amount - charge.amount_refunded  # a partial capture refunds the rest
    if captured <= 0:
        return
    fee = min(getattr(intent, "application_fee_amount", None) or 0, captured)
    destination = data["destination"]
    transfer = {
        "id": _new_id("tr_"),
        "object": "transfer",
        "amount": captured - fee,
        "amount_reversed": 0,
        "currency": charge.currency,
        "destination": destination,
        "source_transaction": charge.id,
        "transfer_group": charge.transfer_group,
        "metadata": {},
        "reversed": False,
        "reversals": {"object": "list", "data": [], "has_more": False},
        "created": _now(),
        "livemode": False,
    }
    _store()["connect_transfer:" + transfer["id"]] = transfer
    key = "connect_balance:" + destination
    _store()[key] = _store().get(key, 0) + transfer["amount"]
    charge.transfer = transfer["id"]
    charge.amount_captured = captured
    if fee:
        application_fee = {
            "id": _new_id("fee_"),
            "object": "application_fee",
            "amount": fee,
            "amount_refunded": 0,
            "refunded": False,
            "refunds": {"object": "list", "data": [], "has_more": False},
            "account": destination,
            "charge": charge.id,
            "currency": charge.currency,
            "originating_transaction": None,
            "created": _now(),
            "livemode": False,
        }
        _store()["connect_application_fee:" + application_fee["id"]] = application_fee
        charge.application_fee = application_fee["id"]
        _send_event("application_fee.created", application_fee)
    _send_event("transfer.created", transfer)


def _paying_destinations(intent_class, charge_class) -> None:
    original_success = intent_class._on_success
    if getattr(original_success, "_connect_destination", False):
        return

    @wraps(original_success)
    def _on_success(self):
        _pay_destination(self)
        original_success(self)

    original_create = intent_class._create_charge

    @wraps(original_create)
    def _create_charge(self, *args, **kwargs):
        try:
            return original_create(self, *args, **kwargs)
        finally:
            if self.latest_charge is not None:
                _charge_fields(self, self.latest_charge)

    _on_success._connect_destination = True
    intent_class._on_success = _on_success
    intent_class._create_charge = _create_charge
    for name in (
        "on_behalf_of",
        "transfer_data",
        "application_fee_amount",
        "application_fee",
        "transfer",
        "transfer_group",
    ):
        if not hasattr(charge_class, name):
            setattr(charge_class, name, None)


def _refunded_charge(params: dict):
    """The charge a refund's parameters name, or None (localstripe then refuses them)."""
    store = _store()
    charge, intent = params.get("charge"), params.get("payment_intent")
    if isinstance(intent, str):
        intent = store.get("payment_intent:" + intent)
        return getattr(intent, "latest_charge", None)
    if isinstance(charge, str):
        return store.get("charge:" + charge)
    return None


def _refunding_destinations(refund_class) -> None:
    original = refund_class.__init__
    if getattr(original, "_connect_destination", False):
        return

    @wraps(original)
    def __init__(self, *args, **kwargs):
        charge = _refunded_charge(kwargs)
        if charge is not None and charge.captured and charge.status == "succeeded":
            left = charge.amount - charge.amount_refunded
            try:
                amount = int(kwargs["amount"]) if kwargs.get("amount") is not None else left
            except (TypeError, ValueError):
                amount = None  # localstripe refuses it
            if left <= 0:
                raise _error(
                    400,
                    f"Charge {charge.id} has already been refunded.",
                    code="charge_already_refunded",
                )
            if amount is not None and amount > left:
                raise _error(
                    400,
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                    f"({left})",
                    param="amount",
                )
        original(self, *args, **kwargs)
        if charge is not None and getattr(charge, "transfer", None):
            _refund_destination(self, charge)

    __init__._connect_destination = True
    refund_class.__init__ = __init__
    if not hasattr(refund_class, "transfer_reversal"):
        refund_class.transfer_reversal = None


def _refund_destination(refund, charge) -> None:
    store = _store()
    transfer = store["connect_transfer:" + charge.transfer]
    captured = charge.amount_captured
    amount = refund.amount
    reverse, give_fee = bool(refund.reverse_transfer), bool(refund.refund_application_fee)
    # The refund that completes the charge (the uncaptured rest is refunded at capture) takes
    # what rounding left of the transfer (of the fee) if every refund before it reversed it
    # (gave it back) too.
    earlier = getattr(charge, "_connect_refunds", None) or []
    charge._connect_refunds = [*earlier, (reverse, give_fee)]
    last = charge.amount_refunded - (charge.amount - captured) >= captured
    balance = "connect_balance:" + transfer["destination"]
    fee = None
    if getattr(charge, "application_fee", None):
        fee = store.get("connect_application_fee:" + charge.application_fee)
    reversed_now = 0
    if reverse:
        left = transfer["amount"] - transfer["amount_reversed"]
        reversed_now = min(left, transfer["amount"] * amount // captured)
        if last and all(r for r, _ in earlier):
            reversed_now = left
        if reversed_now > 0:
            reversal = {
                "id": _new_id("trr_"),
                "object": "transfer_reversal",
                "amount": reversed_now,
                "currency": transfer["currency"],
                "transfer": transfer["id"],
                "source_refund": refund.id,
                "metadata": {},
                "created": _now(),
            }
            transfer["amount_reversed"] += reversed_now
            transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
            transfer["reversals"]["data"].append(reversal)
            store["connect_transfer:" + transfer["id"]] = transfer
            store[balance] = store.get(balance, 0) - reversed_now
            refund.transfer_reversal = reversal["id"]
            _send_event("transfer.reversed", transfer)
    if fee is None:
        return
    if not give_fee:
        if reverse:  # the platform keeps its fee: the account pays the fee's share too
            store[balance] = store.get(balance, 0) - (amount - reversed_now)
            store[PLATFORM_ADJUSTMENT] = store.get(PLATFORM_ADJUSTMENT, 0) + amount - reversed_now
        return
    fee_left = fee["amount"] - fee["amount_refunded"]
    # With the transfer reversed the account keeps the fee's share of the refund.
    share = amount - reversed_now if reverse else fee["amount"] * amount // captured
    share = min(fee_left, share)
    if last and all(f for _, f in earlier):
        share = fee_left
    if share > 0:
        fee["amount_refunded"] += share
        fee["refunded"] = fee["amount_refunded"] == fee["amount"]
        fee["refunds"]["data"].append(
            {
                "id": _new_id("fr_"),
                "object": "fee_refund",
                "amount": share,
                "currency": fee["currency"],
                "fee": fee["id"],
                "metadata": {},
                "created": _now(),
            }
        )
        store["connect_application_fee:" + fee["id"]] = fee
    if not reverse:  # the platform paid the refund: the fee's share goes to the account
        store[balance] = store.get(balance, 0) + share
        store[PLATFORM_ADJUSTMENT] = store.get(PLATFORM_ADJUSTMENT, 0) - share


def _application_fee(fee_id: str) -> dict:
    fee = _store().get("connect_application_fee:" + fee_id)
    if fee is None:
        raise _error(404, f"No such application fee: '{fee_id}'", code="resource_missing")
    return fee


async def retrieve_application_fee(request):
    return _json(_application_fee(request.match_info["id"]))


async def list_application_fees(request):
    charge = request.query.get("charge")
    found = [
        fee
        for key, fee in list(_store().items())
        if key.startswith("connect_application_fee:") and charge in (None, fee["charge"])
    ]
    found.sort(key=lambda fee: fee["created"], reverse=True)
    return _json(
        {"object": "list", "data": found, "has_more": False, "url": "/v1/application_fees"}
    )


# --- Balances: the platform's, or a connected account's with the ``Stripe-Account`` header ----


def _balance(account_id: str | None) -> dict:
    if account_id:
        if _store().get("connect_account:" + account_id) is None:
            raise _error(
                403,
                "The provided key does not have access to account "
                f"'{account_id}' (or that account does not exist). Application access may "
                "have been revoked.",
                code="account_invalid",
            )
        available = _store().get("connect_balance:" + account_id, 0)
    else:
        available = _platform_available()
    return {
        "object": "balance",
        "available": [
            {"amount": available, "currency": "eur", "source_types": {"card": available}}
        ],
        "pending": [{"amount": 0, "currency": "eur", "source_types": {"card": 0}}],
        "livemode": False,
    }


def _balance_middleware():
    """localstripe routes ``GET /v1/balance`` to a fixed balance, before any route added here:
    this answers it first (inside localstripe's authentication and error handling)."""
    from aiohttp import web

    @web.middleware
    async def balance(request, handler):
        if request.method == "GET" and request.path.rstrip("/") == "/v1/balance":
            return _json(_balance(request.headers.get("Stripe-Account")))
        return await handler(request)

    balance._connect_balance = True
    return balance


async def put_account(request):
    """Development control: an account as given (``id``, ``charges_enabled``,
    ``payouts_enabled``, ``details_submitted``, ``currently_due``), created or replaced — the
    demo's accounts, recorded while no peer ran (``devtools.demo_accounts``)."""
    import json

    from devtools.demo_accounts import account_object

    try:
        body = json.loads(await request.text())
        account_id = body["id"]
        assert isinstance(account_id, str) and account_id.startswith("acct_")
    except (ValueError, KeyError, AssertionError):
        raise _error(400, "Bad request: id") from None
    account = account_object(
        account_id,
        charges_enabled=bool(body.get("charges_enabled")),
        payouts_enabled=bool(body.get("payouts_enabled")),
        details_submitted=bool(body.get("details_submitted")),
        currently_due=list(body.get("currently_due") or []),
        metadata=body.get("metadata") or {},
    )
    _store()["connect_account:" + account_id] = account
    if _store().get("connect_balance:" + account_id) is None:
        _store()["connect_balance:" + account_id] = 0
    return _json(account)


def add_routes(app) -> None:
    """The Connect routes, on localstripe's aiohttp app (before it starts)."""
    for method, path, handler in (
        ("POST", "/v1/accounts", create_account),
        ("GET", "/v1/accounts/{id}", retrieve_account),
        ("POST", "/v1/accounts/{id}", update_account),
        ("POST", "/v1/account_links", create_account_link),
        ("POST", "/v1/transfers", create_transfer),
        ("GET", "/v1/transfers", list_transfers),
        ("GET", "/v1/transfers/{id}", retrieve_transfer),
        ("POST", "/v1/transfers/{id}/reversals", create_reversal),
        ("GET", "/v1/transfers/{id}/reversals", list_reversals),
        ("GET", "/_config/connect/onboarding/{token}", onboarding_page),
        ("POST", "/_config/connect/onboarding/{token}", onboarding_answer),
        ("POST", "/_config/connect/accounts", put_account),
        ("POST", "/_config/connect/accounts/{id}/payout", pay_out),
        ("GET", "/_config/connect/accounts/{id}/balance", account_balance),
        ("GET", "/v1/application_fees", list_application_fees),
        ("GET", "/v1/application_fees/{id}", retrieve_application_fee),
    ):
        app.router.add_route(method, path, handler)
    if not any(getattr(m, "_connect_balance", False) for m in app.middlewares):
        app.middlewares.append(_balance_middleware())
