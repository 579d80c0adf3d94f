"""What the payments app announces to the apps above it (which it does not import)."""

from django.dispatch import Signal

# What Stripe says of a connected account changed (sent after the commit, with the
# ``account_id`` of the :class:`payments.models.ConnectedAccount` row): an account that can
# now receive transfers is paid what it was owed.
account_updated = Signal()

# A card payment's dispute was lost (sent once, after the commit, with ``payment_id`` and
# ``dispute_id``): its owner's payees give back their part of the disputed money.
dispute_lost = Signal()
