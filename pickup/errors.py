from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class TooFar(DomainError):
    code = "too_far"
    status = 409
    default_message = _("This farm is too far from the pickup point to supply it.")


class ProducerNotLocated(DomainError):
    code = "producer_not_located"
    status = 409
    default_message = _(
        "The farm's position is not known yet: check its address, then ask again in a few minutes."
    )


class PickupPointNotLocated(DomainError):
    code = "pickup_point_not_located"
    status = 409
    default_message = _("The pickup point's position is not known yet. Please try again later.")


class AlreadyRequested(DomainError):
    code = "already_requested"
    status = 409
    default_message = _("This farm has already asked to supply this pickup point.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("This distribution cannot change to that status now.")


class DistributionTaken(DomainError):
    code = "distribution_exists"
    status = 409
    default_message = _("A distribution already starts at that time at this pickup point.")


class InvalidSchedule(DomainError):
    code = "invalid"
    status = 400
    default_message = _(
        "Times must follow each other: ordering opens, ordering closes, the distribution "
        "starts, then ends."
    )


class NotAHost(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")
