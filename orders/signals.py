"""What the orders app announces to the apps above it (which it does not import)."""

from django.dispatch import Signal

# The sale of a distribution closed (sent after the commit), with ``distribution_id``:
# distribution day sends its e-mails (picking lists, packing list, cancelled lines), the
# subscriptions credit the basket weeks that brought no basket.
sale_closed = Signal()

# A farm corrected a line after the close (delivered less, or nothing), sent after the commit
# with ``line_id`` and ``given_back_cents``: the household is told what comes back, and where.
line_corrected = Signal()
