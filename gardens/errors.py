"""Refusals of the shared-garden rules; each has a stable code and an HTTP status."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class PlotTaken(DomainError):
    code = "plot_taken"
    status = 409
    default_message = _("This plot has just been taken for this season.")


class LimitReached(DomainError):
    code = "limit_reached"
    status = 409
    default_message = _("You already have as many plots as this season allows.")


class ApplicationsClosed(DomainError):
    code = "applications_closed"
    status = 409
    default_message = _("Applications for this season are closed.")


class AlreadyWaiting(DomainError):
    code = "already_waiting"
    status = 409
    default_message = _("You are already on the waiting list for this season.")


class OfferClosed(DomainError):
    code = "offer_closed"
    status = 409
    default_message = _("This offer has already been answered or has expired.")


class ReservationNotActive(DomainError):
    code = "reservation_not_active"
    status = 409
    default_message = _("This reservation is no longer active.")


class NotAGardener(DomainError):
    code = "not_a_gardener"
    status = 409
    default_message = _("Only gardeners with a plot this season can sign up for work days.")


class WorkDayFull(DomainError):
    code = "work_day_full"
    status = 409
    default_message = _("This work day is full.")


class WorkDayOver(DomainError):
    code = "work_day_over"
    status = 409
    default_message = _("This work day has already taken place.")
