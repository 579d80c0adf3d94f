from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
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
    )
    garden.coordinators.set(coordinators)
    locate_later([garden])
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
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("The season must end after it starts.")]
    if applications_close_on < applications_open_on:
        errors["applications_close_on"] = [_("Applications must close after they open.")]
    elif applications_close_on > ends_on:
        errors["applications_close_on"] = [_("Applications must close before the season ends.")]
    if max_plots_per_gardener < 1:
        errors["max_plots_per_gardener"] = [_("At least one plot per gardener.")]
    if errors:
        raise Invalid(errors=errors)
    return Season.objects.create(
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
