from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Acceptance(models.Model):
    """A person accepted one version of a legal document, at a moment: the proof, kept as
    long as the account. Accepting the same version again changes nothing (the first date
    stays); a new version of the document is a new row."""

    class Document(models.TextChoices):
        TERMS = "terms", _("Terms and conditions")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="legal_acceptances",
        verbose_name=_("person"),
    )
    document = models.CharField(_("document"), max_length=20, choices=Document.choices)
    version = models.CharField(_("version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="legal_one_acceptance_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.document} {self.version}"
