"""A demo shared garden in Lille with 12 plots on a 30 m × 20 m plan."""

from decimal import Decimal

from gardens.models import Garden, Plot


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
    for plot in _plots():
        Plot.objects.update_or_create(garden=garden, code=plot.pop("code"), defaults=plot)
    return {garden.slug: garden}
