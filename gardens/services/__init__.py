"""Every write of the shared gardens, one rule per function (see each docstring).

Row locks are always taken in the same order — the gardener's user row, then plot rows (in pk
order), then the reservation, waiting-list entry or offer — so two operations never deadlock.
"""

from gardens.services.gardens import (
    GARDEN_FIELDS,
    SEASON_FIELDS,
    create_garden,
    create_season,
    update_garden,
    update_garden_address,
    update_season,
)
from gardens.services.reservations import (
    approve_reservation,
    cancel_reservation,
    record_fee,
    refuse_reservation,
    reserve_plot,
)
from gardens.services.waitlist import (
    accept_offer,
    decline_offer,
    expire_offers,
    join_waitlist,
    leave_waitlist,
)
from gardens.services.work_days import (
    WORK_DAY_FIELDS,
    cancel_work_day_signup,
    record_attendance,
    remove_work_day_signup,
    schedule_work_day,
    sign_up_for_work_day,
    update_work_day,
)

__all__ = [
    "GARDEN_FIELDS",
    "SEASON_FIELDS",
    "WORK_DAY_FIELDS",
    "accept_offer",
    "approve_reservation",
    "cancel_reservation",
    "cancel_work_day_signup",
    "create_garden",
    "create_season",
    "decline_offer",
    "expire_offers",
    "join_waitlist",
    "leave_waitlist",
    "record_attendance",
    "record_fee",
    "refuse_reservation",
    "remove_work_day_signup",
    "reserve_plot",
    "schedule_work_day",
    "sign_up_for_work_day",
    "update_garden",
    "update_garden_address",
    "update_season",
    "update_work_day",
]
