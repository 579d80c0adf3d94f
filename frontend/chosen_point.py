"""The household's pickup point, as far as the pages know it: the one named in the query
(``?point=<slug>``), else the one it last opened (a point's page or one of its catalogues,
kept in its session), else the one of its last order. Distances to farms are measured from it."""

from orders.models import Order
from pickup.models import PickupPoint

SESSION_KEY = "chosen_point"


def remember(request, point: PickupPoint) -> None:
    """Keep ``point`` as the household's point, in the session of a visitor who has one (logged
    in, or with a basket): no session (a row, a cookie) is opened just for this. Written only
    when it changes."""
    session = request.session
    if session.session_key is not None and session.get(SESSION_KEY) != point.slug:
        session[SESSION_KEY] = point.slug


def chosen_point(request) -> PickupPoint | None:
    """The active point the pages measure from, or None (an unknown or closed point is
    skipped). A query for each place looked at, the last order costing two."""
    points = PickupPoint.objects.filter(is_active=True)
    for slug in (request.GET.get("point", ""), request.session.get(SESSION_KEY, "")):
        if slug:
            found = points.filter(slug=slug[:160]).first()
            if found is not None:
                return found
    if request.user.is_authenticated:
        last = (
            Order.objects.filter(household=request.user, distribution__pickup_point__is_active=True)
            .order_by("-created_at", "-pk")
            .values_list("distribution__pickup_point_id", flat=True)
            .first()
        )
        if last is not None:
            return points.filter(pk=last).first()
    return None
