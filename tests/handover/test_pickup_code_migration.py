"""Migration 0004 gives every order of a household at a distribution the code of its first
order, and records one PickupCode row per (distribution, household)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import DistributionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("orders", "0003_subscriptions_and_credit_ledger")]
AFTER = [("orders", "0004_one_pickup_code_per_household_and_distribution")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_orders_of_a_household_get_one_code():
    distribution, other_distribution = DistributionFactory(), DistributionFactory()
    household, neighbour = UserFactory(), UserFactory()
    try:
        apps = _migrate(BEFORE)
        Order = apps.get_model("orders", "Order")

        def order(key, code, d=distribution, who=household):
            return Order.objects.create(
                household_id=who.pk, distribution_id=d.pk, idempotency_key=key, pickup_code=code
            ).pk

        first, second, third = order("1", "AAAAA"), order("2", "CCCCC"), order("3", "DDDDD")
        theirs = order("4", "EEEEE", who=neighbour)
        elsewhere = order("5", "FFFFF", d=other_distribution)
        apps = _migrate(AFTER)
        Order = apps.get_model("orders", "Order")
        codes = dict(Order.objects.values_list("pk", "pickup_code"))
        assert [codes[pk] for pk in (first, second, third)] == ["AAAAA"] * 3
        assert codes[theirs] == "EEEEE" and codes[elsewhere] == "FFFFF"
        rows = apps.get_model("orders", "PickupCode").objects.values_list(
            "distribution_id", "household_id", "code"
        )
        assert sorted(rows) == sorted(
            [
                (distribution.pk, household.pk, "AAAAA"),
                (distribution.pk, neighbour.pk, "EEEEE"),
                (other_distribution.pk, household.pk, "FFFFF"),
            ]
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
