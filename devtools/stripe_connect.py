"""What the development Stripe peer (localstripe) needs to take the app's Connect requests.

localstripe has no Stripe Connect and refuses parameters it does not know with a 400. This
first step teaches its PaymentIntent the charge parameters of Connect (``transfer_group``,
``on_behalf_of``, ``transfer_data``, ``application_fee_amount``) and its Refund
``reverse_transfer`` / ``refund_application_fee``: they are checked for type and echoed on the
object, as Stripe does. It also takes ``allowed_payment_method_types``, the name the typed
client gives the payment method types. Below, the Connect resources the app uses.
"""

from __future__ import annotations

from functools import wraps

CHARGE_PARAMS = ("transfer_group", "on_behalf_of", "transfer_data", "application_fee_amount")
REFUND_PARAMS = ("reverse_transfer", "refund_application_fee")


def _valid_charge(params: dict) -> None:
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


def _accepting(cls, names, check=None):
    original = cls.__init__
    if getattr(original, "_connect_params", False):
        return

    @wraps(original)
    def __init__(self, *args, **kwargs):
        extra = {name: kwargs.pop(name) for name in names if name in kwargs}
        if check is not None:
            check(extra)
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
    from localstripe.resources import PaymentIntent, Refund, SetupIntent

    if app is not None:
        add_routes(app)

    _accepting(PaymentIntent, CHARGE_PARAMS, _valid_charge)
    _allowed_types(PaymentIntent)
    _allowed_types(SetupIntent)
    _accepting(Refund, REFUND_PARAMS)


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
    return captured - out


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
        ("POST", "/_config/connect/accounts/{id}/payout", pay_out),
        ("GET", "/_config/connect/accounts/{id}/balance", account_balance),
    ):
        app.router.add_route(method, path, handler)
