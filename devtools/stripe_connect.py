"""What the development Stripe peer (localstripe) needs to take the app's Connect requests.

localstripe has no Stripe Connect and refuses parameters it does not know with a 400. This
first step teaches its PaymentIntent the charge parameters of Connect (``transfer_group``,
``on_behalf_of``, ``transfer_data``, ``application_fee_amount``) and its Refund
``reverse_transfer`` / ``refund_application_fee``: they are checked for type and echoed on the
object, as Stripe does. It also takes ``allowed_payment_method_types``, the name the typed
client gives the payment method types. Accounts, Account Links, Transfers and their reversals are not served
yet (the app's tests of those go through the payments gateway's fake).
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


def install() -> None:
    """Patch localstripe's resources in place (before the server starts or loads its state)."""
    from localstripe.resources import PaymentIntent, Refund, SetupIntent

    _accepting(PaymentIntent, CHARGE_PARAMS, _valid_charge)
    _allowed_types(PaymentIntent)
    _allowed_types(SetupIntent)
    _accepting(Refund, REFUND_PARAMS)
