"""What subscriptions tells the apps above it (billing pays the farm its season)."""

from django.dispatch import Signal

# A subscription was paid (credit, card, or both) and became active; sent inside the
# transaction that activated it, the subscription row locked. Argument: ``subscription_id``.
season_paid = Signal()
