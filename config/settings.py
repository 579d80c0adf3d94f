"""Circuit Court settings: every value that varies between machines comes from the environment.

The defaults are the embedded mode (SQLite under var/, filesystem Celery broker, localstripe on
127.0.0.1, offline geocoding, e-mails as files): nothing to install. README.md lists every variable.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.csp import content_security_policy
from config.database import database_settings
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "django-insecure-embedded-mode-only-never-use-in-production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The embedded mode keeps everything it writes under VAR_DIR: the database, mails, static files,
# the task queue and the beat schedule (each created where it is configured below).
(VAR_DIR / "mail").mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "common",
    "legal",
    "accounts",
    "payments",
    "producers",
    "pickup",
    "orders",
    "subscriptions",
    "handover",
    "billing",
    "gardens",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, compressed ahead of time
    # Pages compressed for phones on mobile networks (a catalogue is ~100 kB of HTML, ~10 kB
    # gzipped); Django pads each response against BREACH and masks the CSRF token per response.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ChosenLanguageMiddleware",
    "common.middleware.RejectNullBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": database_settings(
        url=env_str("DATABASE_URL"),
        default_sqlite_path=VAR_DIR / "circuit-court.sqlite3",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:home"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.security.attempted_email"
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start when it is missing
# Uploads and issued documents (invoice PDFs): under VAR_DIR in the embedded mode.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Where the photos are read from: a bucket's or CDN's address in production (docs/photos.md).
MEDIA_URL = env_str("MEDIA_URL", "media/")
# The app serves the photos of MEDIA_ROOT itself while MEDIA_URL is one of its own paths, in
# production too (renditions are cached a year by browsers); a network with many households puts
# them on a bucket or CDN instead (MEDIA_URL its address, SERVE_PHOTOS off: docs/photos.md).
SERVE_PHOTOS = env_bool("SERVE_PHOTOS", "://" not in MEDIA_URL)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Product and farm photos are public (their renditions' URLs go in pages as they are);
    # in production point this one at a public bucket and leave "default" (invoices) private.
    "photos": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Circuit Court <bonjour@circuit-court.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Every folder kombu's filesystem transport uses is named, or it writes one (control/, for
    # the workers' broadcast tables) into whatever directory the worker was started from.
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "polling_interval": 0.1,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat's own state (last run of each entry), wherever beat runs from (`worker -B` included).
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic schedules live here, reviewed like code; each entry calls a thin, idempotent task.
CELERY_BEAT_SCHEDULE: dict = {
    "gardens-pass-on-expired-offers": {
        "task": "gardens.tasks.expire_offers_task",
        "schedule": timedelta(minutes=5),
    },
    "pickup-open-due-distributions": {
        "task": "pickup.tasks.open_due_distributions_task",
        "schedule": timedelta(minutes=1),
    },
    "orders-expire-unpaid": {
        "task": "orders.tasks.expire_unpaid_orders_task",
        "schedule": timedelta(minutes=1),
    },
    "orders-close-due-distributions": {
        "task": "orders.tasks.close_due_distributions_task",
        "schedule": timedelta(minutes=1),
    },
    "orders-settle-pending": {
        "task": "orders.tasks.settle_pending_orders_task",
        "schedule": timedelta(minutes=5),
    },
    "subscriptions-generate-basket-orders": {
        "task": "subscriptions.tasks.generate_basket_orders_task",
        "schedule": timedelta(minutes=1),
    },
    "subscriptions-expire-basket-offers": {
        "task": "subscriptions.tasks.expire_basket_offers_task",
        "schedule": timedelta(minutes=5),
    },
    "subscriptions-credit-missed-weeks": {
        "task": "subscriptions.tasks.credit_all_missed_weeks_task",
        "schedule": timedelta(minutes=15),
    },
    "billing-pay-farms-and-hosts": {
        "task": "billing.tasks.pay_due_distributions_task",
        "schedule": timedelta(minutes=15),
    },
    "billing-issue-due-invoices": {
        "task": "billing.tasks.issue_due_invoices_task",
        "schedule": timedelta(hours=1),
    },
    "handover-mark-no-shows": {
        "task": "handover.tasks.mark_due_no_shows_task",
        "schedule": timedelta(minutes=5),
    },
    "handover-send-reminders": {
        "task": "handover.tasks.send_due_reminders_task",
        "schedule": timedelta(minutes=15),
    },
    "payments-send-pending-withdrawals": {
        "task": "payments.tasks.send_pending_withdrawals_task",
        "schedule": timedelta(minutes=10),
    },
}

# --- Payments (Stripe; localstripe on 127.0.0.1 in the embedded mode) ----------------------
_LOCALSTRIPE = "http://127.0.0.1:8420"
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "" if PRODUCTION else "sk_test_embedded")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "" if PRODUCTION else "pk_test_embedded")
STRIPE_WEBHOOK_SECRET = env_str(
    "STRIPE_WEBHOOK_SECRET", "" if PRODUCTION else "whsec_embedded_mode_only"
)
# Connect events (the farms' and hosts' accounts) come to their own endpoint, signed apart.
STRIPE_CONNECT_WEBHOOK_SECRET = env_str(
    "STRIPE_CONNECT_WEBHOOK_SECRET", "" if PRODUCTION else "whsec_connect_embedded_mode_only"
)
if PRODUCTION:
    # Without them every payment fails and every webhook answers 400: refuse to start instead.
    _stripe = {
        "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": STRIPE_PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
    }
    for _name, _value in _stripe.items():
        if not _value:
            raise ImproperlyConfigured(f"{_name} must be set in production")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "" if PRODUCTION else _LOCALSTRIPE)
STRIPE_JS_URL = env_str(
    "STRIPE_JS_URL",
    "https://js.stripe.com/v3/" if PRODUCTION else f"{_LOCALSTRIPE}/js.stripe.com/v3/",
)

# --- Geocoding ------------------------------------------------------------------------------
GEOCODER = env_str("GEOCODER", "gazetteer")
if GEOCODER not in {"gazetteer", "ban", "nominatim"}:
    raise ImproperlyConfigured("GEOCODER must be one of gazetteer, ban, nominatim")
GEOCODER_DOMAIN = env_str("GEOCODER_DOMAIN")  # empty: the backend's public service
GEOCODER_SCHEME = env_str("GEOCODER_SCHEME", "https")
GEOCODER_TIMEOUT = env_int("GEOCODER_TIMEOUT", 5)
GEOCODER_USER_AGENT = env_str("GEOCODER_USER_AGENT", "circuit-court/0.1 (bonjour@circuit-court.fr)")

# --- Maps -----------------------------------------------------------------------------------
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env_str(
    "MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

# --- Content-Security-Policy (django-csp): scripts only from our files and Stripe.js ----------
_CSP = content_security_policy(
    map_tile_url=MAP_TILE_URL,
    stripe_js_url=STRIPE_JS_URL,
    stripe_api_base=STRIPE_API_BASE,
    report_uri=env_str("CSP_REPORT_URI"),
    media_url=MEDIA_URL,
)
if env_bool("CSP_REPORT_ONLY", False):  # to try a change: browsers report, block nothing
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
    CONTENT_SECURITY_POLICY = None
else:
    CONTENT_SECURITY_POLICY = _CSP

# --- Legal notices (mentions légales, privacy, accessibility pages): who publishes and hosts ---
# The defaults are placeholders that say so: a deployment sets the real ones.
LEGAL_PUBLISHER_NAME = env_str("LEGAL_PUBLISHER_NAME", "Circuit Court (association — à renseigner)")
LEGAL_PUBLISHER_STATUS = env_str("LEGAL_PUBLISHER_STATUS", "Association loi 1901 (à renseigner)")
LEGAL_PUBLISHER_ADDRESS = env_str("LEGAL_PUBLISHER_ADDRESS", "Adresse à renseigner, 59000 Lille")
LEGAL_PUBLISHER_ID = env_str("LEGAL_PUBLISHER_ID", "SIREN/RNA à renseigner")
LEGAL_PUBLICATION_DIRECTOR = env_str("LEGAL_PUBLICATION_DIRECTOR", "Nom à renseigner")
LEGAL_CONTACT_EMAIL = env_str("LEGAL_CONTACT_EMAIL", "bonjour@circuit-court.fr")
LEGAL_HOST_NAME = env_str("LEGAL_HOST_NAME", "Hébergeur à renseigner")
LEGAL_HOST_ADDRESS = env_str("LEGAL_HOST_ADDRESS", "Adresse de l'hébergeur à renseigner")
LEGAL_HOST_CONTACT = env_str("LEGAL_HOST_CONTACT", "Contact de l'hébergeur à renseigner")
LEGAL_MEDIATOR = env_str("LEGAL_MEDIATOR", "Médiateur de la consommation à renseigner")

# --- The platform as an invoicing company (its commission invoices, and the issuer named on
# the invoices it makes in the farms' and hosts' names). Placeholders that say so by default.
INVOICE_PLATFORM_NAME = env_str("INVOICE_PLATFORM_NAME", "Circuit Court")
INVOICE_PLATFORM_LEGAL_NAME = env_str(
    "INVOICE_PLATFORM_LEGAL_NAME", "Circuit Court SAS (à renseigner)"
)
INVOICE_PLATFORM_ADDRESS = env_str("INVOICE_PLATFORM_ADDRESS", "Adresse à renseigner, 59000 Lille")
# A valid SIRET and VAT number (the demo's): a deployment sets its own.
INVOICE_PLATFORM_SIRET = env_str("INVOICE_PLATFORM_SIRET", "88000000500012")
INVOICE_PLATFORM_VAT_NUMBER = env_str("INVOICE_PLATFORM_VAT_NUMBER", "FR12880000005")
INVOICE_PLATFORM_REGISTRATION = env_str(
    "INVOICE_PLATFORM_REGISTRATION", "RCS Lille Métropole (à renseigner), capital à renseigner"
)

# --- Rules of the trade (defaults from the design; all overridable) -------------------------
FEE_HOST_BASIS_POINTS = env_int("FEE_HOST_BASIS_POINTS", 835)
FEE_PLATFORM_BASIS_POINTS = env_int("FEE_PLATFORM_BASIS_POINTS", 1165)
# Farms and hosts are paid once the distribution is done (handover over, no-shows marked), or
# this many days after it at the latest.
PAYOUT_DELAY_DAYS = env_int("PAYOUT_DELAY_DAYS", 2)
SUPPLY_DISTANCE_LIMIT_KM = env_int("SUPPLY_DISTANCE_LIMIT_KM", 250)
NEAREST_DEFAULT_RADIUS_KM = env_int("NEAREST_DEFAULT_RADIUS_KM", 30)
# Public catalogue JSON of an open distribution is reused this long (0: never). Stock shown
# may lag by as much; orders still take stock with conditional UPDATEs, never oversold.
CATALOGUE_CACHE_SECONDS = env_int("CATALOGUE_CACHE_SECONDS", 2)
ORDER_EXPIRY_MINUTES = env_int("ORDER_EXPIRY_MINUTES", 30)  # unpaid orders give stock back then
GARDEN_OFFER_HOURS = env_int("GARDEN_OFFER_HOURS", 48)  # a freed plot's offer stays open this long
# Distribution day: orders not collected this long after the slot ends become no-shows.
NO_SHOW_GRACE_MINUTES = env_int("NO_SHOW_GRACE_MINUTES", 60)
HANDOVER_UNDO_SECONDS = env_int("HANDOVER_UNDO_SECONDS", 60)  # "undo" after marking collected
REMINDER_HOURS_BEFORE = env_int("REMINDER_HOURS_BEFORE", 24)  # households reminded this early
# Credit top-ups by card: the amounts offered, and the bounds of a free amount (cents).
CREDIT_TOPUP_AMOUNTS_CENTS = (1000, 2000, 5000)
CREDIT_TOPUP_MIN_CENTS = env_int("CREDIT_TOPUP_MIN_CENTS", 500)
CREDIT_TOPUP_MAX_CENTS = env_int("CREDIT_TOPUP_MAX_CENTS", 50000)
# Credit asked back goes to the cards it came from, for payments at most this old (Stripe
# refuses refunds of older charges); the rest stays as credit.
CREDIT_REFUND_WINDOW_DAYS = env_int("CREDIT_REFUND_WINDOW_DAYS", 180)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "common.schema.AutoSchema",
    "DEFAULT_METADATA_CLASS": "common.api.ApiMetadata",
    "EXCEPTION_HANDLER": "common.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "600/minute"),
        "user": env_str("API_THROTTLE_USER", "2400/minute"),
    },
}
# API tokens (accounts): refused with 401 token_expired this many days after being issued;
# a periodic task deletes the expired ones.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be at least 1")
CELERY_BEAT_SCHEDULE["accounts-delete-expired-tokens"] = {
    "task": "accounts.tasks.delete_expired_tokens_task",
    "schedule": timedelta(hours=1),
}
# --- Personal data (RGPD, docs/personal-data.md) --------------------------------------------
# Where operators are told what an erasure leaves behind (a farm without members…), and the
# address people write to about their data.
OPERATORS_EMAIL = env_str("OPERATORS_EMAIL", "bonjour@circuit-court.fr")
# An export with more rows than this is built by a task and mailed as a link that expires.
PERSONAL_DATA_EXPORT_MAX_ROWS = env_int("PERSONAL_DATA_EXPORT_MAX_ROWS", 2000)
PERSONAL_DATA_EXPORT_LINK_HOURS = env_int("PERSONAL_DATA_EXPORT_LINK_HOURS", 72)
PERSONAL_DATA_EXPORT_DIR = Path(
    env_str("PERSONAL_DATA_EXPORT_DIR", str(VAR_DIR / "personal-data-exports"))
)
# Accounts inactive this long are warned, then erased RETENTION_WARNING_DAYS later (CNIL: 3 years).
RETENTION_INACTIVE_DAYS = env_int("RETENTION_INACTIVE_DAYS", 3 * 365)
RETENTION_WARNING_DAYS = env_int("RETENTION_WARNING_DAYS", 30)
# The log of e-mails sent (accounts.SentEmail) is kept this long.
SENT_EMAIL_RETENTION_DAYS = env_int("SENT_EMAIL_RETENTION_DAYS", 365)
if min(RETENTION_INACTIVE_DAYS, RETENTION_WARNING_DAYS, SENT_EMAIL_RETENTION_DAYS) < 1:
    raise ImproperlyConfigured("retention periods must be at least 1 day")
CELERY_BEAT_SCHEDULE["accounts-apply-retention"] = {
    "task": "accounts.tasks.apply_retention_task",
    "schedule": timedelta(hours=24),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Circuit Court API",
    "DESCRIPTION": "Short food circuits: catalogues, pickup points, orders, shared gardens.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DistributionStatusEnum": "pickup.models.Distribution.Status",
        "SupplierStatusEnum": "pickup.models.Supplier.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
        "OrderLineStatusEnum": "orders.models.OrderLine.Status",
        "SubscriptionStatusEnum": "subscriptions.models.Subscription.Status",
        "TopupStatusEnum": "payments.models.Topup.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint (PDFs) and its fontTools tell every step at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
