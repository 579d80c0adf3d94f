from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Roles (household, producer member, host, coordinator) come from relations."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The language the person chose with the switcher (their e-mails are written in it);
    # empty until they choose: French.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    # E-mails a person may turn off (each carries a one-click unsubscribe link); receipts and
    # other transactional e-mails are always sent.
    reminder_emails = models.BooleanField(_("distribution reminders by e-mail"), default=True)
    roster_emails = models.BooleanField(_("calls for volunteers by e-mail"), default=True)
    # Personal data (docs/personal-data.md): when the account was erased (the row stays,
    # anonymised, for the books), and when its owner was warned that inactivity would erase it.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    retention_warned_at = models.DateTimeField(_("warned of erasure at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class ApiToken(models.Model):
    """An API token of one person, one per device or script (``Authorization: Token <key>``).

    Only a SHA-256 digest of the secret is stored: a copy of the database gives no usable token.
    The secret is shown once, when the token is issued. A token expires at ``expires_at``.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    def is_expired(self, now) -> bool:
        return self.expires_at <= now


class SentEmail(models.Model):
    """An e-mail that must reach a person once (an order paid, a card declined…): its ``key``
    says what it is about (``order-12-paid``) and is unique, so a task run twice, or two at
    once, sends it once (:func:`accounts.emails.send_once`)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sent_emails", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=200, unique=True)
    # What the person received (their personal-data export lists it); old rows are purged.
    subject = models.CharField(_("subject"), max_length=255, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.key
