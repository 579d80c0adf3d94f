"""What the household is told about its order, queued after the commit (the e-mails are
written from the committed state by ``orders.tasks``, each once)."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from orders.tasks import send_order_changed_task, send_order_paid_task, send_payment_failed_task


def order_paid(order_id: int) -> None:
    transaction.on_commit(partial(send_order_paid_task.delay, order_id))


def order_changed(order_id: int, revision: int) -> None:
    transaction.on_commit(partial(send_order_changed_task.delay, order_id, revision))


def payment_failed(order_id: int, attempt: int) -> None:
    transaction.on_commit(partial(send_payment_failed_task.delay, order_id, attempt))
