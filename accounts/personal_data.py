"""What each app holds about a person, told by the app itself (docs/personal-data.md).

Accounts knows no order, payment or plot: every app that keeps something about a person
registers, once (in its ``AppConfig.ready``), a :class:`PersonalData` saying

- what goes into the person's export (:class:`Section`: one JSON and one CSV file each);
- what makes their erasure wait (:attr:`PersonalData.blockers`), what must be settled before it
  (:attr:`PersonalData.prepare`: orders cancelled, credit refunded), and what is erased or
  anonymised with the account (:attr:`PersonalData.erase`);
- what the law makes us keep (:class:`Kept`: issued invoices, 10 years, with the name and
  address they carry), listed in the export's README and in the docs.

:mod:`accounts.exports` and :mod:`accounts.erasure` only walk this registry, the way payments
walks its purposes: a lower app never imports a higher one. A new piece of the project that
keeps personal data (roster sign-ups, invoices) registers its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


@dataclass(frozen=True)
class Section:
    """One file pair of the export: ``<name>.json`` and ``<name>.csv``.

    ``rows(user)`` gives the rows (a queryset, or any iterable of model instances), ``row(obj)``
    makes one a flat dict of plain values (the CSV's columns are the keys of the first row).
    ``description`` says, in the person's language, what the file holds (README).
    """

    name: str
    description: Any
    rows: Callable[[User], QuerySet | Iterable[Any]]
    row: Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Blocker:
    """Why an erasure must wait: a stable ``code`` (the API's) and a message for the person."""

    code: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), **self.extra}


@dataclass(frozen=True)
class Kept:
    """What the law makes us keep after an erasure, and for how long (README, docs)."""

    what: Any
    why: Any
    years: int


@dataclass(frozen=True)
class PersonalData:
    """How one app's data about a person is exported and erased (see the module).

    - ``blockers(user)``: reasons the erasure must wait (reads only). Asked before anything is
      done, and again under the person's row lock once ``prepare`` has run.
    - ``credit_back(user)``: credit (cents) that ``prepare`` will give back to the person's
      credit (an order cancelled), so that what cannot go back to a card is known before
      anything is done.
    - ``prepare(user)``: what must be settled first (cancel, refund), in the app's own
      transactions; runs in ``step`` order (lower first: orders before credit refunds).
    - ``erase(user)``: in the erasure's transaction: erase or anonymise the app's rows about the
      person; returns notes for the operators (an organisation left without members).
    """

    app: str
    sections: Sequence[Section] = ()
    blockers: Callable[[User], list[Blocker]] | None = None
    credit_back: Callable[[User], int] | None = None
    prepare: Callable[[User], None] | None = None
    erase: Callable[[User], list[str]] | None = None
    kept: Sequence[Kept] = ()
    step: int = 50


_REGISTRY: dict[str, PersonalData] = {}


def register(data: PersonalData) -> None:
    """Register an app's personal data (once per app; registering it again replaces it)."""
    _REGISTRY[data.app] = data


def registered() -> list[PersonalData]:
    """Every app's, in ``step`` order, then by app name (a stable order for files and steps)."""
    return sorted(_REGISTRY.values(), key=lambda data: (data.step, data.app))


def sections() -> list[Section]:
    return [section for data in registered() for section in data.sections]


def kept() -> list[Kept]:
    return [item for data in registered() for item in data.kept]


def blockers(user: User) -> list[Blocker]:
    return [blocker for data in registered() if data.blockers for blocker in data.blockers(user)]


def credit_back(user: User) -> int:
    return sum(data.credit_back(user) for data in registered() if data.credit_back)
