"""How the credit ledger names its movements, told by the apps that own them.

A credit movement is referenced by its owner (``order-12-payment-1``, ``skip-7``, …): the app
that writes a reference prefix registers, once (in its ``AppConfig.ready``), a describer that
turns its movements into words a family understands ("Commande n° 12 payée avec votre avoir").
``payments`` calls the describer of the longest matching prefix, once per page of movements
(a describer reads what it needs in a fixed number of queries), and never branches on a
prefix itself. A movement nobody describes is named by its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payments.models import CreditEntry

# Given movements whose reference starts with its prefix: their labels by movement id (a
# movement left out keeps the label of its reason).
Describer = Callable[[list["CreditEntry"]], Mapping[int, str]]

_DESCRIBERS: dict[str, Describer] = {}


def register_describer(prefix: str, describer: Describer) -> None:
    """Register the describer of the references starting with ``prefix`` (again: replaced)."""
    _DESCRIBERS[prefix] = describer


def prefix_of(reference: str) -> str | None:
    """The longest registered prefix ``reference`` starts with."""
    found = [prefix for prefix in _DESCRIBERS if reference.startswith(prefix)]
    return max(found, key=len) if found else None


def label_entries(entries: Iterable[CreditEntry]) -> list[CreditEntry]:
    """Set ``label`` on each movement (its owner's words, else its reason) and return them."""
    entries = list(entries)
    groups: dict[str, list[CreditEntry]] = {}
    for entry in entries:
        entry.label = str(entry.get_reason_display())
        prefix = prefix_of(entry.reference)
        if prefix is not None:
            groups.setdefault(prefix, []).append(entry)
    for prefix, group in groups.items():
        labels = _DESCRIBERS[prefix](group)
        for entry in group:
            if entry.pk in labels:
                entry.label = str(labels[entry.pk])
    return entries
