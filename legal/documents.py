"""The legal documents the site publishes, their versions, and who publishes and hosts it.

The texts are the templates under ``legal/templates/legal/``; each document that people accept
has a version here. Change the text of the terms in a way that matters: give them a new
version (the date it applies from), so acceptances name the text that was accepted.
"""

from dataclasses import dataclass

from django.conf import settings

# The terms (conditions générales) in force, accepted at sign-up.
TERMS_VERSION = "2026-12-01"


@dataclass(frozen=True)
class Publisher:
    """The facts the law asks a site to publish (LCEN art. 6 III), from the settings."""

    name: str
    status: str
    address: str
    identifier: str
    director: str
    email: str
    host_name: str
    host_address: str
    host_contact: str
    mediator: str


def publisher() -> Publisher:
    return Publisher(
        name=settings.LEGAL_PUBLISHER_NAME,
        status=settings.LEGAL_PUBLISHER_STATUS,
        address=settings.LEGAL_PUBLISHER_ADDRESS,
        identifier=settings.LEGAL_PUBLISHER_ID,
        director=settings.LEGAL_PUBLICATION_DIRECTOR,
        email=settings.LEGAL_CONTACT_EMAIL,
        host_name=settings.LEGAL_HOST_NAME,
        host_address=settings.LEGAL_HOST_ADDRESS,
        host_contact=settings.LEGAL_HOST_CONTACT,
        mediator=settings.LEGAL_MEDIATOR,
    )
