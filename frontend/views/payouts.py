""" "Mes virements": a farm's payouts and a host's commissions, the payout account at Stripe
(activate, complete, come back), the CSV of the payouts, and the billing mandate. Only the
farm's members, only the point's hosts; anyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from billing import mandates, selectors
from billing.models import Payout
from common import dates
from common.csv import csv_datetime, csv_response, csv_text
from common.money import csv_euros
from payments.errors import PaymentUnavailable
from payments.services import connect
from pickup.selectors import hosted_point
from producers.selectors import producer_for_member

# What Stripe asks for (``requirements.currently_due``), in words a farmer reads.
REQUIREMENTS = {
    "external_account": gettext_lazy("a bank account (IBAN)"),
    "tos_acceptance": gettext_lazy("acceptance of Stripe's terms"),
    "business_profile": gettext_lazy("the business's activity and website"),
    "business_type": gettext_lazy("the kind of business"),
    "company": gettext_lazy("the company's details"),
    "individual": gettext_lazy("the representative's identity"),
    "representative": gettext_lazy("the representative's identity"),
    "owners": gettext_lazy("the owners of the business"),
    "directors": gettext_lazy("the directors of the business"),
    "executives": gettext_lazy("the executives of the business"),
    "documents": gettext_lazy("a supporting document"),
    "person": gettext_lazy("a person's identity"),
}


def humanise_requirements(due: list[str]) -> list[str]:
    """Stripe's field paths (``individual.verification.document``...) as distinct French lines."""
    seen: list[str] = []
    for field in due or []:
        head = field.split(".", 1)[0]
        if head.startswith("person_"):
            head = "person"
        if "verification" in field:
            label = _("an identity document")
        else:
            label = str(
                REQUIREMENTS.get(head, _("other information (%(field)s)") % {"field": field})
            )
        if label not in seen:
            seen.append(label)
    return seen


def payout_status_label(payout: Payout) -> str:
    if payout.status == Payout.Status.PAID and payout.paid_at:
        return _("paid on %(date)s") % {"date": dates.short(payout.paid_at)}
    return {
        Payout.Status.UPCOMING: _("after the distribution"),
        Payout.Status.WAITING_ACCOUNT: _("waiting for your payouts to be activated"),
        Payout.Status.SENDING: _("being sent"),
        Payout.Status.PAID: _("paid"),
        Payout.Status.NOTHING: _("nothing to pay"),
    }[payout.status]


class Payee:
    """The farm or the point a page is about, and its URLs."""

    def __init__(self, request, *, slug: str = "", pk: int | None = None):
        if slug:
            self.kind = Payout.Payee.FARM
            self.obj = producer_for_member(user=request.user, slug=slug)
            self.args = [self.obj.slug]
            self.prefix = "frontend:producer:payouts"
            self.back = reverse("frontend:producer:dashboard", args=self.args)
            self.back_label = _("Back to the farm")
            self.email = request.user.email
            self.invoices_url = reverse("frontend:producer:invoices", args=self.args)
            self.identity_url = reverse("frontend:producer:producer_edit", args=self.args)
        else:
            self.kind = Payout.Payee.HOST
            self.obj = hosted_point(user=request.user, pk=pk)
            self.args = [self.obj.pk]
            self.prefix = "frontend:host_payouts"
            self.back = reverse("frontend:host_dashboard")
            self.back_label = _("Back to my pickup points")
            self.email = request.user.email
            self.invoices_url = reverse("frontend:host_invoices", args=self.args)
            self.identity_url = reverse("frontend:host_dashboard")

    @property
    def is_farm(self) -> bool:
        return self.kind == Payout.Payee.FARM

    def url(self, name: str = "") -> str:
        return reverse(self.prefix + (f"_{name}" if name else ""), args=self.args)

    def payouts(self):
        if self.kind == Payout.Payee.FARM:
            return selectors.producer_payouts(self.obj)
        return selectors.point_payouts(self.obj)


def _page(request, payee: Payee, *, account=None):
    payouts = list(payee.payouts())
    account = account if account is not None else connect.account_of(payee.kind, payee.obj.pk)
    rows = [
        {
            "payout": p,
            "status_label": payout_status_label(p),
            "reversals": list(p.transfer.reversals.all()) if p.transfer_id else [],
        }
        for p in payouts
    ]
    seasons = []
    if payee.kind == Payout.Payee.FARM:
        seasons = list(selectors.producer_season_payouts(payee.obj))
    return render(
        request,
        "frontend/payouts/page.html",
        {
            "payee": payee,
            "name": payee.obj.name,
            "is_farm": payee.kind == Payout.Payee.FARM,
            "account": account,
            "requirements": humanise_requirements(account.requirements_due) if account else [],
            "rows": rows,
            "seasons": seasons,
            "totals": selectors.payout_totals(payouts, kind=payee.kind, ref=payee.obj.pk),
            "activate_url": payee.url("activate"),
            "csv_url": payee.url("csv"),
            "mandate": mandates.current_mandate(payee.kind, payee.obj.pk),
            "mandate_url": payee.url("mandate"),
            "invoices_url": payee.invoices_url,
        },
    )


def _onboarding(request, payee: Payee):
    try:
        url = connect.onboarding_url(
            kind=payee.kind,
            ref=payee.obj.pk,
            email=payee.email,
            name=payee.obj.name,
            return_url=request.build_absolute_uri(payee.url("return")),
            refresh_url=request.build_absolute_uri(payee.url("activate")),
        )
    except PaymentUnavailable:
        messages.error(request, _("Stripe is not answering, please try again."))
        return redirect(payee.url())
    return _see_other(url)


def _see_other(url: str):
    response = redirect(url)
    response.status_code = 303
    return response


def _return(request, payee: Payee):
    account = connect.account_of(payee.kind, payee.obj.pk)
    if account is None:
        return redirect(payee.url())
    try:
        account = connect.refresh_account(account)
    except PaymentUnavailable:
        messages.error(request, _("Stripe is not answering, please try again."))
    else:
        if account.status == account.Status.ACTIVE:
            messages.success(request, _("Your payouts are active."))
        else:
            messages.info(
                request,
                _("Thank you. Your payout account: %(status)s.")
                % {"status": account.get_status_display()},
            )
    return _page(request, payee, account=account)


_CSV_HEADER = [
    gettext_lazy("Distribution"),
    gettext_lazy("Pickup point"),
    gettext_lazy("Sales (EUR)"),
    gettext_lazy("Host share (EUR)"),
    gettext_lazy("Platform share (EUR)"),
    gettext_lazy("Net (EUR)"),
    gettext_lazy("Status"),
    gettext_lazy("Sent (EUR)"),
    gettext_lazy("Taken back (EUR)"),
    gettext_lazy("Carried debt (EUR)"),
    gettext_lazy("Paid with the season (EUR)"),
    gettext_lazy("Lost to disputes (EUR)"),
]


def _csv(request, payee: Payee):
    rows = (
        [
            csv_datetime(p.distribution.starts_at),
            p.distribution.pickup_point.name,
            csv_euros(p.sales_cents),
            csv_euros(p.host_cents),
            csv_euros(p.platform_cents),
            csv_euros(p.net_cents),
            payout_status_label(p),
            csv_euros(p.sent_cents),
            csv_euros(p.reversed_cents),
            csv_euros(p.debt_cents),
            csv_euros(p.season_cents),
            csv_euros(p.disputed_cents),
        ]
        for p in payee.payouts()
    )
    text = csv_text([str(h) for h in _CSV_HEADER], rows)
    stem = payee.obj.slug if payee.kind == Payout.Payee.FARM else f"point-{payee.obj.pk}"
    return csv_response(text, f"virements-{stem}.csv")


@login_required
@require_GET
def producer_page(request, slug: str):
    return _page(request, Payee(request, slug=slug))


@login_required
@require_http_methods(["GET", "POST"])
def producer_activate(request, slug: str):
    # GET too: Stripe sends the owner back here (refresh_url) when a link has expired.
    return _onboarding(request, Payee(request, slug=slug))


@login_required
@require_GET
def producer_return(request, slug: str):
    return _return(request, Payee(request, slug=slug))


@login_required
@require_GET
def producer_csv(request, slug: str):
    return _csv(request, Payee(request, slug=slug))


@login_required
@require_GET
def point_page(request, pk: int):
    return _page(request, Payee(request, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def point_activate(request, pk: int):
    return _onboarding(request, Payee(request, pk=pk))


@login_required
@require_GET
def point_return(request, pk: int):
    return _return(request, Payee(request, pk=pk))


@login_required
@require_GET
def point_csv(request, pk: int):
    return _csv(request, Payee(request, pk=pk))


def _mandate(request, payee: Payee):
    """The billing mandate: its terms and whether (when, by whom) they were accepted; POST
    accepts them (once: accepting again keeps the first date)."""
    if request.method == "POST":
        if request.POST.get("accept") != "yes":
            messages.error(request, _("Tick the box to accept the billing mandate."))
        else:
            _mandate_row, created = mandates.accept_mandate(
                kind=payee.kind, ref=payee.obj.pk, name=payee.obj.name, by=request.user
            )
            if created:
                messages.success(request, _("Billing mandate accepted."))
        return redirect(payee.url("mandate"))
    state = mandates.mandate_state(payee.kind, payee.obj.pk, payee.obj.name)
    return render(
        request,
        "frontend/payouts/mandate.html",
        {
            "payee": payee,
            "name": payee.obj.name,
            "is_farm": payee.kind == Payout.Payee.FARM,
            "mandate": state.mandate,
            "terms": state.terms,
            "payouts_url": payee.url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def producer_mandate(request, slug: str):
    return _mandate(request, Payee(request, slug=slug))


@login_required
@require_http_methods(["GET", "POST"])
def point_mandate(request, pk: int):
    return _mandate(request, Payee(request, pk=pk))
