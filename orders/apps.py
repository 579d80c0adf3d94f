from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Payments of an order reach this app through its registered purpose.
        from orders.services.paying import ORDER_PURPOSE
        from payments.purposes import register

        register(ORDER_PURPOSE)

        from orders.books import ORDER_LEDGER
        from payments.books import register as register_books

        register_books(ORDER_LEDGER)

        # The credit ledger names the movements of orders in our words.
        from orders.ledger import register as register_ledger_words

        register_ledger_words()

        # Once an order's weights are final, its household is told what it pays.
        from orders.signals import order_weighed
        from orders.tasks import send_order_weighed_task

        def send_order_weighed(sender, *, order_id: int, **kwargs) -> None:
            send_order_weighed_task.delay(order_id)

        order_weighed.connect(
            send_order_weighed, weak=False, dispatch_uid="orders-order-weighed-email"
        )

        # Orders in the personal-data export; open ones cancelled before an erasure.
        from accounts.personal_data import register as register_personal_data
        from orders.privacy import ORDERS_DATA

        register_personal_data(ORDERS_DATA)
