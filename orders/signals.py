"""What the orders app announces to the apps above it (which it does not import)."""

from django.dispatch import Signal

# The sale of a distribution closed (sent after the commit), with ``distribution_id``:
# distribution day sends its e-mails (picking lists, packing list, cancelled lines), the
# subscriptions credit the basket weeks that brought no basket.
sale_closed = Signal()

# A farm corrected a line after the close (delivered less, or nothing), sent after the commit
# with ``line_id`` and ``given_back_cents``: the household is told what comes back, and where.
line_corrected = Signal()

# Every line sold by weight of an order is weighed (or charged at its estimate): its price is
# final and its card is about to be settled. Sent after the commit with ``order_id``: the
# household is told what it pays for the real weights.
order_weighed = Signal()
