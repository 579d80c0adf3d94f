"""Asking first: every destructive or money-moving action of the pages confirms.

The rule: such an action's button (``frontend/_confirm_button.html``) opens a native
``<dialog>`` that says the consequence, counted from the database ("23 orders will be
refunded"), and whose form POSTs the real action with ``confirm=1``. Without JavaScript the
same button is a link to the action's URL (GET), which answers with the confirm page
(``frontend/confirm.html``) whose form POSTs the same. A POST without ``confirm=1`` is refused
with that confirm page (status 400): a stray POST never moves money nor destroys anything.
The action's POST endpoint and its service do not change.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Confirmation:
    """What a confirm dialog or page says and sends."""

    action: str  # the URL the confirmed form POSTs to (the action's own endpoint)
    title: str  # the question, e.g. "Cancel order no. 12?"
    consequence: str  # what will happen, counted from the database
    confirm_label: str  # the confirm button, saying what it does
    back: str  # where "Go back" leads on the confirm page
    fields: dict = field(default_factory=dict)  # extra hidden fields the action needs
    danger: bool = True  # destructive (red); False for a reservation or a payment

    @property
    def page_url(self) -> str:
        """The confirm page: the action's URL asked with GET (the no-JavaScript path)."""
        return f"{self.action}?{urlencode(self.fields)}" if self.fields else self.action

    @property
    def dialog_id(self) -> str:
        key = self.action + "".join(f"-{v}" for v in self.fields.values())
        return "confirm" + re.sub(r"[^a-z0-9]+", "-", key.lower()).rstrip("-")


def is_confirmed(request: HttpRequest) -> bool:
    """True only for a POST that carries ``confirm=1``."""
    return request.method == "POST" and request.POST.get("confirm") == "1"


def confirm_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    """The confirm page: asked for (GET, 200) or a POST refused for lack of ``confirm=1`` (400)."""
    return render(
        request,
        "frontend/confirm.html",
        {"confirmation": confirmation},
        status=200 if request.method == "GET" else 400,
    )
