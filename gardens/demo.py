"""A demo shared garden in Lille with 12 plots on a 30 m × 20 m plan, an open season, some
reservations, a waiting list and work days. Dates follow today, so applications are always open;
the demo gardener (jardin@) has no plot yet and free plots remain for them. Idempotent."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from gardens.models import (
    Garden,
    Plot,
    Reservation,
    Season,
    WaitlistEntry,
    WorkDay,
    WorkDaySignup,
)

OTHER_GARDENERS = [
    ("jardinier1", "Amandine Deschamps"),
    ("jardinier2", "Karim Haddad"),
    ("jardinier3", "Élise Vermeulen"),
    ("jardinier4", "Jules Carpentier"),
    ("jardinier5", "Fatou Diallo"),
    ("jardinier6", "Marc Dupont"),
    ("jardinier7", "Léa Martin"),
    ("jardinier8", "Hugo Lambert"),
]
# jardinier1..6 hold every plot with a water point and two more; A5 A6 B2 B3 B5 B6 stay free.
RESERVED_PLOTS = ["A1", "A2", "A3", "A4", "B1", "B4"]
WAITING = [  # wishes no free plot meets: releasing a plot with water offers it to jardinier7
    ("jardinier7", {"needs_water_point": True}),
    ("jardinier8", {"min_area_m2": 30}),
]


def _plots():
    # Two rows of six plots (4 m × 5 m) either side of a central path, a shed corner.
    for index in range(12):
        row, col = divmod(index, 6)
        yield {
            "code": f"{'AB'[row]}{col + 1}",
            "area_m2": 20,
            "x_m": Decimal(1 + col * 4.8).quantize(Decimal("0.01")),
            "y_m": Decimal(2 if row == 0 else 12),
            "width_m": Decimal(4),
            "height_m": Decimal(5),
            "has_water_point": col in (0, 3),
            "is_raised_bed": row == 1 and col >= 4,
            "is_accessible": row == 1 and col >= 4,
            "has_shed": col == 5,
        }


def _gardener(local_part: str, full_name: str) -> User:
    user, _created = User.objects.update_or_create(
        email=demo_email(local_part), defaults={"full_name": full_name, "is_active": True}
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _season(garden: Garden) -> Season:
    today = timezone.localdate()
    dates = {
        "name": f"Saison {today.year}",
        "applications_open_on": today - timedelta(days=14),
        "applications_close_on": today + timedelta(days=30),
        "starts_on": today - timedelta(days=14),
        "ends_on": today + timedelta(days=300),
        "fee_cents": 150,
        "fee_basis": Season.FeeBasis.PER_M2,
        "max_plots_per_gardener": 1,
        "approval_required": False,
        "required_work_hours": Decimal(6),
    }
    season = garden.seasons.order_by("pk").first()
    if season is None:
        return Season.objects.create(garden=garden, **dates)
    for field, value in dates.items():
        setattr(season, field, value)
    season.save()
    return season


def _work_days(garden: Garden, season: Season, gardeners: list[User]) -> None:
    today = timezone.localdate()
    days = [
        ("Grand nettoyage de printemps", today - timedelta(days=7), Decimal(3)),
        ("Compost et paillage", today + timedelta(days=10), Decimal(3)),
    ]
    for title, day, hours in days:
        starts_at = timezone.make_aware(datetime.combine(day, time(9, 30)))
        work_day, _created = WorkDay.objects.update_or_create(
            garden=garden,
            season=season,
            title=title,
            defaults={"starts_at": starts_at, "hours": hours, "capacity": 8},
        )
        past = day < today
        for gardener in gardeners[:3]:
            WorkDaySignup.objects.update_or_create(
                work_day=work_day,
                gardener=gardener,
                defaults={"attended": True, "hours": hours} if past else {},
            )


def seed_gardens(users) -> dict[str, Garden]:
    garden, _created = Garden.objects.update_or_create(
        slug="jardin-des-moulins",
        defaults={
            "name": "Jardin partagé des Moulins",
            "description": "Douze parcelles au cœur du quartier de Moulins, un composteur "
            "collectif et une mare.",
            "rules": "Pas de pesticides de synthèse. Chaque jardinier participe à deux "
            "journées collectives par saison. Arrosage le soir en été.",
            "address": "Rue d'Arras, 59000 Lille",
            "latitude": 50.6198,
            "longitude": 3.0718,
            "location_status": Garden.LocationStatus.LOCATED,
            "plan_width_m": 30,
            "plan_height_m": 20,
        },
    )
    garden.coordinators.add(users["coordinator"])
    plots = {}
    for plot in _plots():
        code = plot.pop("code")
        plots[code], _created = Plot.objects.update_or_create(
            garden=garden, code=code, defaults=plot
        )
    season = _season(garden)
    # The demo gardener (jardin@) always starts without a plot, so a demo can reserve one.
    Reservation.objects.filter(
        season=season, gardener=users["gardener"], status__in=Reservation.ACTIVE
    ).update(status=Reservation.Status.CANCELLED)
    WaitlistEntry.objects.filter(
        season=season, gardener=users["gardener"], status__in=WaitlistEntry.ACTIVE
    ).update(status=WaitlistEntry.Status.LEFT)
    others = {local: _gardener(local, name) for local, name in OTHER_GARDENERS}
    reserved = []
    for code, local in zip(RESERVED_PLOTS, others, strict=False):
        gardener = others[local]
        if not Reservation.objects.filter(
            season=season, gardener=gardener, status__in=Reservation.ACTIVE
        ).exists():
            Reservation.objects.get_or_create(
                season=season,
                plot=plots[code],
                status=Reservation.Status.RESERVED,
                defaults={
                    "gardener": gardener,
                    "fee_cents": season.fee_for(plots[code]),
                    "fee_paid": code.startswith("A"),
                    "fee_method": Reservation.PaymentMethod.CHEQUE if code.startswith("A") else "",
                    "fee_paid_on": timezone.localdate() if code.startswith("A") else None,
                },
            )
        reserved.append(gardener)
    for position, (local, preferences) in enumerate(WAITING):
        WaitlistEntry.objects.get_or_create(
            season=season,
            gardener=others[local],
            status=WaitlistEntry.Status.WAITING,
            defaults={
                **preferences,
                "created_at": timezone.now() - timedelta(days=20 - position),
            },
        )
    _work_days(garden, season, reserved)
    return {garden.slug: garden}
