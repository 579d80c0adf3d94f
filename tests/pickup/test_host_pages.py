"""The host's dashboard and the producer's "supply this point" form, through HTTP."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from pickup.models import Distribution, Supplier
from tests.factories import PickupPointFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("frontend:host_dashboard")


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_dashboard_shows_only_the_hosts_points(client, world):
    client.force_login(world.users["host_x"])
    html = client.get(DASHBOARD).content.decode()
    assert world.point["x"].name in html and world.point["y"].name not in html
    assert world.supplier["x"].producer.name in html


def test_someone_who_hosts_nothing_sees_an_explanation(client, world):
    client.force_login(world.users["household"])
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["sections"] == []


def test_the_host_schedules_one_distribution_and_a_weekly_series(client, world):
    point = world.point["x"]
    client.force_login(world.users["host_x"])
    day = timezone.localdate() + timedelta(days=20)
    response = client.post(
        reverse("frontend:host_distribution_create", args=[point.pk]),
        {
            f"d{point.pk}-date": day.isoformat(),
            f"d{point.pk}-starts": "18:00",
            f"d{point.pk}-ends": "19:30",
        },
    )
    assert response.status_code == 302
    created = point.distributions.get(starts_at__date=day)
    assert timezone.localtime(created.starts_at).hour == 18

    first = day + timedelta(days=7)
    response = client.post(
        reverse("frontend:host_distribution_weekly", args=[point.pk]),
        {
            f"w{point.pk}-weekday": first.weekday(),
            f"w{point.pk}-starts": "18:00",
            f"w{point.pk}-ends": "19:30",
            f"w{point.pk}-weeks": 4,
            f"w{point.pk}-first_date": first.isoformat(),
        },
    )
    assert response.status_code == 302
    assert point.distributions.count() == 1 + 1 + 4  # the fixture's, the single one, the series


def test_a_refused_schedule_is_shown_on_the_form(client, world):
    point = world.point["x"]
    client.force_login(world.users["host_x"])
    response = client.post(
        reverse("frontend:host_distribution_create", args=[point.pk]),
        {
            f"d{point.pk}-date": "2020-01-07",
            f"d{point.pk}-starts": "18:00",
            f"d{point.pk}-ends": "19:30",
        },
    )
    assert response.status_code == 400
    (section,) = response.context["sections"]
    assert section["distribution_form"].non_field_errors()


def test_the_host_cancels_and_decides_through_the_pages(client, world):
    client.force_login(world.users["host_x"])
    distribution = world.distribution["x"]
    client.post(
        reverse("frontend:host_distribution_move", args=[distribution.pk]),
        {"status": "cancelled", "confirm": "1"},
    )
    distribution.refresh_from_db()
    assert distribution.status == Distribution.Status.CANCELLED
    response = client.post(
        reverse("frontend:host_distribution_move", args=[distribution.pk]),
        {"status": "open"},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success", "error"]

    supplier = world.supplier["x"]
    client.post(reverse("frontend:host_supply_decide", args=[supplier.pk]), {"decision": "approve"})
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.APPROVED


@pytest.mark.parametrize(
    ("name", "kind", "data"),
    [
        ("frontend:host_point_update", "point", {}),
        ("frontend:host_distribution_create", "point", {}),
        ("frontend:host_distribution_weekly", "point", {}),
        (
            "frontend:host_distribution_move",
            "distribution",
            {"status": "cancelled", "confirm": "1"},
        ),
        ("frontend:host_supply_decide", "supplier", {"decision": "approve"}),
    ],
)
def test_another_hosts_things_are_404_on_the_pages(client, world, name, kind, data):
    client.force_login(world.users["host_y"])
    response = client.post(reverse(name, args=[getattr(world, kind)["x"].pk]), data)
    assert response.status_code == 404


def test_the_host_edits_the_point_and_a_new_address_is_located(
    client, world, django_capture_on_commit_callbacks
):
    point = world.point["x"]
    client.force_login(world.users["host_x"])
    prefix = f"p{point.pk}"
    data = {
        f"{prefix}-name": point.name,
        f"{prefix}-description": "",
        f"{prefix}-address": "Place de la Liberté, 59100 Roubaix",
        f"{prefix}-access_instructions": "Sonner deux fois",
        f"{prefix}-capacity": 70,
        f"{prefix}-opens_days": 6,
        f"{prefix}-cutoff_hours": 48,
        f"{prefix}-is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("frontend:host_point_update", args=[point.pk]), data)
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.capacity, point.access_instructions) == (70, "Sonner deux fois")
    assert point.location_status == "located" and point.latitude > 50.68  # Roubaix


def test_a_member_asks_to_supply_a_point_from_the_producer_dashboard_panel(client, world):
    member, producer = world.users["producer_a"], world.producer["x"]
    point = world.point["y"]
    request = RequestFactory().get("/producteur/")
    request.user = member
    html = Template("{% include 'frontend/producer/_supplied_points.html' %}").render(
        Context({"producer": producer, "request": request, "csrf_token": "t"})
    )
    assert world.point["x"].name in html  # already asked
    assert f'<option value="{point.pk}">' in html  # may ask for Y

    client.force_login(member)
    response = client.post(
        reverse("frontend:producer_supply_request"),
        {"producer": producer.pk, "pickup_point": point.pk, "next": "/points-relais/"},
    )
    assert response.status_code == 302 and response["Location"] == "/points-relais/"
    assert Supplier.objects.get(producer=producer, pickup_point=point).status == "pending"


def test_a_member_cannot_ask_for_another_farm(client, world):
    client.force_login(world.users["producer_a"])
    response = client.post(
        reverse("frontend:producer_supply_request"),
        {"producer": world.producer["y"].pk, "pickup_point": world.point["x"].pk},
    )
    assert response.status_code == 404


def test_a_too_far_request_is_explained(client):
    member = UserFactory()
    producer = ProducerFactory(latitude=42.7, longitude=2.9)  # Perpignan
    producer.members.add(member)
    point = PickupPointFactory()
    client.force_login(member)
    response = client.post(
        reverse("frontend:producer_supply_request"),
        {"producer": producer.pk, "pickup_point": point.pk},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "km" in messages[0]
    assert not Supplier.objects.exists()


def test_the_panel_is_in_the_real_producer_dashboard(client, world):
    client.force_login(world.users["producer_a"])
    producer = world.producer["x"]
    html = client.get(reverse("frontend:producer:dashboard", args=[producer.slug])).content.decode()
    assert reverse("frontend:producer_supply_request") in html
    assert world.point["x"].name in html


def _buttons(client, distribution) -> set[str]:
    """The actions the dashboard offers for one distribution (by the form's target status)."""
    html = client.get(DASHBOARD).content.decode()
    row = html[html.index(f'data-distribution="{distribution.pk}"') :]
    row = row[: row.index("</li>")] if "</li>" in row else row
    offered = {s for s in ("open", "done") if f'name="status" value="{s}"' in row}
    if reverse("frontend:host_distribution_close", args=[distribution.pk]) in row:
        offered.add("close")
    return offered


def test_the_dashboard_offers_only_the_moves_the_service_allows_now(client, world):
    import time_machine

    client.force_login(world.users["host_x"])
    distribution = world.distribution["x"]
    assert "open" in _buttons(client, distribution)
    with time_machine.travel(distribution.cutoff_at):  # ordering has closed: no reopening
        assert "open" not in _buttons(client, distribution)
        Distribution.objects.filter(pk=distribution.pk).update(status="open")
        assert "close" in _buttons(client, distribution)  # closable at the cutoff itself
    Distribution.objects.filter(pk=distribution.pk).update(status="closed")
    with time_machine.travel(distribution.starts_at - timedelta(minutes=1)):
        assert "done" not in _buttons(client, distribution)  # not before it started
    with time_machine.travel(distribution.starts_at):
        assert "done" in _buttons(client, distribution)


def test_the_dashboard_keeps_the_distributions_of_the_last_two_calendar_days(db):
    """Late in the evening, a distribution of the day before yesterday is still listed (the
    window counts calendar days, not 48 hours); one of three days ago is not."""
    import time_machine

    from pickup.selectors import host_dashboard_points
    from tests.factories import DistributionFactory

    host = UserFactory()
    point = PickupPointFactory()
    point.hosts.add(host)
    late = timezone.make_aware(timezone.datetime(2026, 12, 2, 23, 30))
    with time_machine.travel(late):
        kept, gone = (
            DistributionFactory(
                pickup_point=point,
                starts_at=late - timedelta(days=days, hours=5),
                status="done",
            )
            for days in (2, 3)
        )
        listed = host_dashboard_points(user=host)[0].dashboard_distributions
    assert [d.pk for d in listed] == [kept.pk] and gone.pk not in [d.pk for d in listed]
