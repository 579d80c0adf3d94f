"""What the orders app announces to the apps above it (which it does not import)."""

from django.dispatch import Signal

# The sale of a distribution closed (sent after the commit), with ``distribution_id``:
# distribution day sends its e-mails (picking lists, packing list, cancelled lines), the
# subscriptions credit the basket weeks that brought no basket.
sale_closed = Signal()
