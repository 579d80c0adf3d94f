from collections.abc import Mapping, Sequence
from copy import copy
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid, check_editable
from common.geo import locate_later
from gardens.models import Garden, Season


@transaction.atomic
def create_garden(
    *,
    name: str,
    slug: str,
    address: str,
    description: str = "",
    rules: str = "",
    plan_width_m: int = 30,
    plan_height_m: int = 20,
    is_active: bool = True,
    coordinators: Sequence[User] = (),
) -> Garden:
    """Create a garden; its address is geocoded in a task after the commit, never in a request."""
    garden = Garden.objects.create(
        name=name,
        slug=slug,
        address=address,
        description=description,
        rules=rules,
        plan_width_m=plan_width_m,
        plan_height_m=plan_height_m,
        is_active=is_active,
    )
    garden.coordinators.set(coordinators)
    locate_later([garden])
    return garden


GARDEN_FIELDS = frozenset(
    {
        "name",
        "slug",
        "address",
        "description",
        "rules",
        "plan_width_m",
        "plan_height_m",
        "is_active",
        "coordinators",
    }
)


@transaction.atomic
def update_garden(*, garden: Garden, changes: Mapping[str, Any]) -> Garden:
    """An operator changes a garden (``GARDEN_FIELDS``); a new address is located again, as
    :func:`update_garden_address` does."""
    check_editable(changes, GARDEN_FIELDS)
    changes = dict(changes)
    if "coordinators" in changes:
        garden.coordinators.set(changes.pop("coordinators"))
    address = changes.pop("address", garden.address)
    for field, value in changes.items():
        setattr(garden, field, value)
    if changes:
        garden.save(update_fields=list(changes))
    if address != garden.address:
        update_garden_address(garden=garden, address=address)
    return garden


@transaction.atomic
def update_garden_address(*, garden: Garden, address: str) -> Garden:
    """Change the address and locate it again (position pending until the task has run)."""
    garden.address = address
    garden.latitude = garden.longitude = None
    garden.location_status = Garden.LocationStatus.PENDING
    garden.save(update_fields=["address", "latitude", "longitude", "location_status"])
    locate_later([garden])
    return garden


# A season may change in everything but its garden (``update_season``), in the model's order.
SEASON_FIELDS = tuple(
    field.name for field in Season._meta.concrete_fields if field.name not in {"id", "garden"}
)


def _check_season(season: Season) -> None:
    """Dates must be ordered; applications close before the season ends; one plot at least."""
    errors = {}
    if season.ends_on < season.starts_on:
        errors["ends_on"] = [_("The season must end after it starts.")]
    if season.applications_close_on < season.applications_open_on:
        errors["applications_close_on"] = [_("Applications must close after they open.")]
    elif season.applications_close_on > season.ends_on:
        errors["applications_close_on"] = [_("Applications must close before the season ends.")]
    if season.max_plots_per_gardener < 1:
        errors["max_plots_per_gardener"] = [_("At least one plot per gardener.")]
    if errors:
        raise Invalid(errors=errors)


@transaction.atomic
def create_season(
    *,
    garden: Garden,
    name: str,
    starts_on: date,
    ends_on: date,
    applications_open_on: date,
    applications_close_on: date,
    fee_cents: int = 0,
    fee_basis: str = Season.FeeBasis.PER_PLOT,
    max_plots_per_gardener: int = 1,
    approval_required: bool = False,
    required_work_hours: Decimal = Decimal(0),
) -> Season:
    """Open a season. Dates must be ordered; applications close before the season ends."""
    season = Season(
        garden=garden,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open_on=applications_open_on,
        applications_close_on=applications_close_on,
        fee_cents=fee_cents,
        fee_basis=fee_basis,
        max_plots_per_gardener=max_plots_per_gardener,
        approval_required=approval_required,
        required_work_hours=required_work_hours,
    )
    _check_season(season)
    season.save(force_insert=True)
    return season


@transaction.atomic
def update_season(*, season: Season, changes: Mapping[str, Any]) -> Season:
    """Change a season (``SEASON_FIELDS``) under the rules of :func:`create_season`. The fee
    applies to reservations made afterwards: each reservation keeps the fee it was made at."""
    check_editable(changes, SEASON_FIELDS)
    changed = copy(season)  # checked before the caller's season changes
    for field, value in changes.items():
        setattr(changed, field, value)
    _check_season(changed)
    if changes:
        changed.save(update_fields=list(changes))
    for field, value in changes.items():
        setattr(season, field, value)
    return season
