"""A garden's coordinators reach its coordination page from the site's menu; nobody else sees
the link."""

import re

import pytest
from django.urls import reverse

from tests.factories import GardenFactory, UserFactory

pytestmark = pytest.mark.django_db


def menu_links(client) -> list[tuple[str, str]]:
    page = client.get(reverse("frontend:home")).content.decode()
    menu = page[page.index('id="site-menu"') : page.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" data-nav="coordination"[^>]*>([^<]+)</a>', menu)


def test_the_coordinator_of_one_garden_finds_coordination_in_the_menu(client):
    garden = GardenFactory(name="Jardin des Moulins")
    coordinator = UserFactory()
    garden.coordinators.add(coordinator)
    client.force_login(coordinator)
    manage = reverse("frontend:gardens:manage", args=[garden.slug])
    assert menu_links(client) == [(manage, "Coordination")]
    # The link is the current page on the coordination page itself.
    page = client.get(manage).content.decode()
    assert f'<a href="{manage}" data-nav="coordination" aria-current="page">' in page


def test_a_coordinator_of_two_gardens_gets_one_link_each_named_after_its_garden(client):
    coordinator = UserFactory()
    gardens = [GardenFactory(name="Jardin de Fives"), GardenFactory(name="Jardin des Moulins")]
    for garden in gardens:
        garden.coordinators.add(coordinator)
    client.force_login(coordinator)
    links = menu_links(client)
    assert [href for href, _label in links] == [
        reverse("frontend:gardens:manage", args=[g.slug]) for g in gardens
    ]
    assert all(g.name in label for g, (_href, label) in zip(gardens, links, strict=True))


def test_gardeners_and_visitors_get_no_coordination_link(client):
    GardenFactory().coordinators.add(UserFactory())
    assert menu_links(client) == []
    client.force_login(UserFactory())
    assert menu_links(client) == []
