"""Settings, all read from the environment (README.md "Configuration" lists every one).

The defaults run the app on one laptop with no servers: SQLite, a filesystem Celery broker
and email to the console. Production sets DATABASE_URL, CELERY_BROKER_URL and an ESP.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key only serves `make run`; production must set SECRET_KEY (check in apps.py).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdef"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# Former SECRET_KEYs, still accepted when checking signatures: unsubscribe links in old
# emails are signed with the key of their day and must keep working after a rotation.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# Public URL of this app as Saleor and the dashboard reach it: every URL in the manifest is
# built from it, never from the Host header.
APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://localhost:8000").rstrip("/")
APP_MANIFEST_ID = os.environ.get("APP_MANIFEST_ID", "saleor.app.automation")
APP_NAME = os.environ.get("APP_NAME", "Marketing Automation")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")

# Origins allowed to frame the dashboard extension's pages (Content-Security-Policy
# frame-ancestors), besides the origin of every installed Saleor API: set it when the
# dashboard is served from another origin than the API (e.g. https://dashboard.saleor.io).
DASHBOARD_ORIGINS = env_list("DASHBOARD_ORIGINS")
# Where `make dashboard` writes the built extension (index.html + assets/).
DASHBOARD_BUILD_DIR = BASE_DIR / "dashboard_build"

# Saleor instances allowed to install the app: a regular expression matched against the
# whole Saleor-Api-Url. The default admits any URL (multi-tenant).
ALLOWED_SALEOR_URLS = os.environ.get("ALLOWED_SALEOR_URLS", r".*")
# Saleor API URLs on loopback/private addresses or over plain http are refused unless this is
# on (the app POSTs to that URL: SSRF). On for local development and tests.
ALLOW_PRIVATE_SALEOR_URLS = env_bool("ALLOW_PRIVATE_SALEOR_URLS", True)

# Fernet keys that encrypt secrets at rest (Saleor app tokens). The first encrypts; all
# decrypt, so a key is rotated by putting a new one first and running
# `saleor-automation rotate-secrets`. Unset: one key derived from SECRET_KEY.
ENCRYPTION_KEYS = env_list("ENCRYPTION_KEYS")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "anymail",
    "saleor_automation.apps.SaleorAutomationConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

# Saleor never follows redirects: no path may answer with a slash-appending 301.
APPEND_SLASH = False
ROOT_URLCONF = "saleor_automation.urls"
WSGI_APPLICATION = "saleor_automation.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks, WAL for readers.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Order payloads with many lines are large; Django's 2.5 MB default would refuse them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
# The time zone of a store that set none: contacts without a zone or a known country get
# their quiet hours, send windows and dated triggers in it.
DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "UTC")
LANGUAGE_CODE = "en"
USE_I18N = False

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# Celery. The default broker is a folder: no server needed for `make run`.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = DATA_DIR / "broker"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# How often beat runs the inbox sweeper, in seconds: the longest an accepted event waits
# when its enqueue was lost or throttled.
INBOX_SWEEP_INTERVAL = float(os.environ.get("INBOX_SWEEP_INTERVAL", "2"))
# Seconds between stats rollups: how fresh per-node counters are. Keep it longer than any
# transaction that writes step runs or message events (stats/rollup.py reads one run behind).
STATS_ROLLUP_INTERVAL = float(os.environ.get("STATS_ROLLUP_INTERVAL", "60"))
# Processed inbox rows are kept this many days (their dedupe keys guard redeliveries).
INBOX_RETENTION_DAYS = int(os.environ.get("INBOX_RETENTION_DAYS", "30"))
# How often beat runs the flow tick, in seconds: the longest a due timer waits when workers
# are idle. Each tick drains every due enrollment (bounded in time) in batches.
FLOW_TICK_INTERVAL = float(os.environ.get("FLOW_TICK_INTERVAL", "1"))
# How often beat looks for pending flow entries that fell due (a checkout idle long enough,
# an entry deferred by a higher-priority flow), in seconds.
TRIGGER_PENDING_INTERVAL = float(os.environ.get("TRIGGER_PENDING_INTERVAL", "15"))
# How often beat evaluates the daily triggers (birthdays, win-back, segments), in seconds:
# each contact's local day is seen at most this long after its midnight.
SCHEDULED_TRIGGERS_INTERVAL = float(os.environ.get("SCHEDULED_TRIGGERS_INTERVAL", "900"))

# Customer metadata keys the store uses for birthday ("MM-DD" or "YYYY-MM-DD") and for
# marketing consent ("true"/"false"); per installation they can be changed in settings.
DEFAULT_BIRTHDAY_METADATA_KEY = os.environ.get("BIRTHDAY_METADATA_KEY", "birthday")
DEFAULT_CONSENT_METADATA_KEY = os.environ.get("CONSENT_METADATA_KEY", "marketing_consent")
# SMS marketing consent is separate ("true"/"false"); a STOP/START reply also sets it.
DEFAULT_SMS_CONSENT_METADATA_KEY = os.environ.get("SMS_CONSENT_METADATA_KEY", "sms_consent")
# A contact whose store never said anything about consent gets marketing messages only when
# this is on (where the law and the store's terms allow it).
ASSUME_MARKETING_CONSENT = env_bool("ASSUME_MARKETING_CONSENT", False)
DOUBLE_OPT_IN = env_bool("DOUBLE_OPT_IN", False)
# Frequency cap shared by every flow that takes part in capping: at most N marketing
# messages per contact per rolling H hours. 0 messages: no cap.
FREQUENCY_CAP_MESSAGES = int(os.environ.get("FREQUENCY_CAP_MESSAGES", "0"))
FREQUENCY_CAP_HOURS = int(os.environ.get("FREQUENCY_CAP_HOURS", "24"))
# Store-wide quiet hours for marketing sends, "HH:MM-HH:MM" local to each contact ("" none);
# a flow with quiet hours of its own uses those instead.
QUIET_HOURS = os.environ.get("QUIET_HOURS", "")
# Revenue attribution (stats/attribution.py), defaults for stores that chose nothing: an
# order goes to the last message clicked ("click") or clicked or opened ("click_or_open")
# within these many days before it.
ATTRIBUTION_MODEL = os.environ.get("ATTRIBUTION_MODEL", "click")
ATTRIBUTION_CLICK_DAYS = int(os.environ.get("ATTRIBUTION_CLICK_DAYS", "5"))
ATTRIBUTION_OPEN_DAYS = int(os.environ.get("ATTRIBUTION_OPEN_DAYS", "1"))

# Django's cache: product cards for recommendations (saleor/product_cards.py). Local memory
# (per process) by default; a redis:// or rediss:// URL shares it between all processes.
CACHE_URL = os.environ.get("CACHE_URL", "")


def cache_backend(url: str) -> dict[str, str]:
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url in ("", "locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be empty, locmem:// or a redis:// URL, not {url!r}")


CACHES = {"default": cache_backend(CACHE_URL)}

# Outgoing HTTP to Saleor.
SALEOR_HTTP_TIMEOUT = float(os.environ.get("SALEOR_HTTP_TIMEOUT", "20"))
# A JWKS is refetched at most this often per installation when a signature fails, so
# forged requests cannot turn the app into a load generator against Saleor.
JWKS_REFETCH_MIN_INTERVAL = float(os.environ.get("JWKS_REFETCH_MIN_INTERVAL", "10"))

# The app's GraphQL API: limits checked before any resolver runs. Depth counts from the root
# field (0); connections add two levels (edges, node). Tokens bound what the parser reads;
# aliases bound how often one query may ask for a field; a page holds at most this many items.
GRAPHQL_MAX_DEPTH = int(os.environ.get("GRAPHQL_MAX_DEPTH", "12"))
GRAPHQL_MAX_TOKENS = int(os.environ.get("GRAPHQL_MAX_TOKENS", "2000"))
GRAPHQL_MAX_ALIASES = int(os.environ.get("GRAPHQL_MAX_ALIASES", "15"))
GRAPHQL_MAX_PAGE_SIZE = int(os.environ.get("GRAPHQL_MAX_PAGE_SIZE", "100"))

# Email goes through Django's EMAIL_BACKEND: any anymail backend (its settings below, from
# ANYMAIL_* variables), Django's SMTP backend (EMAIL_HOST...), or the console by default.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@localhost")
# Defaults of each store's email settings (messaging/sender.py); a store can set its own.
# The sender name defaults to the shop's name in Saleor.
EMAIL_FROM_NAME = os.environ.get("EMAIL_FROM_NAME", "")
EMAIL_REPLY_TO = os.environ.get("EMAIL_REPLY_TO", "")
# The postal address in every marketing email's footer (CAN-SPAM and EU rules ask for one).
EMAIL_POSTAL_ADDRESS = os.environ.get("EMAIL_POSTAL_ADDRESS", "")
# The storefront page that resumes a checkout, with {token} for the checkout's token.
EMAIL_CHECKOUT_URL = os.environ.get("EMAIL_CHECKOUT_URL", "")
# The storefront's product page, with {slug} for the product's slug and optionally {channel}
# for the channel's: where recommended products link to.
EMAIL_PRODUCT_URL = os.environ.get("EMAIL_PRODUCT_URL", "")
# Django's SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "30"))

# Recipient links (messaging.unsubscribe, messaging.links). Unsubscribe links never expire;
# tracked links expire after this many days unless the sender chose a shorter life.
TRACKED_LINK_MAX_AGE_DAYS = int(os.environ.get("TRACKED_LINK_MAX_AGE_DAYS", "90"))
# An address for a mailto: in List-Unsubscribe besides the one-click URL (empty: URL only).
UNSUBSCRIBE_MAILTO = os.environ.get("UNSUBSCRIBE_MAILTO", "")

# Anymail: ESP tracking webhooks under webhooks/esp/<esp>/tracking/. WEBHOOK_SECRET is the
# "user:password" basic auth the ESP's webhook URL carries (comma-separated to rotate);
# webhooks of ESPs that only have basic auth are refused while it is unset.
ANYMAIL = {"WEBHOOK_SECRET": env_list("ANYMAIL_WEBHOOK_SECRET")}
if os.environ.get("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY"):
    ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"] = os.environ.get("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY")


def _anymail_value(value: str) -> object:
    """Booleans for "true"/"false", JSON objects and lists decoded, anything else as text."""
    if value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    if value.lstrip().startswith(("{", "[")):
        return json.loads(value)
    return value


# The ESP's own settings, as anymail names them: every other ANYMAIL_<NAME> variable becomes
# ANYMAIL["<NAME>"] (ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_SENDGRID_API_KEY,
# ANYMAIL_MAILGUN_API_KEY, ANYMAIL_AMAZON_SES_CLIENT_PARAMS='{"region_name": "eu-west-1"}').
for _name, _value in sorted(os.environ.items()):
    if _name.startswith("ANYMAIL_") and _name.removeprefix("ANYMAIL_") not in ANYMAIL:
        ANYMAIL[_name.removeprefix("ANYMAIL_")] = _anymail_value(_value)

# SMS (messaging.sms; get_messaging_setting reads MESSAGING). The backend is a dotted path to
# a provider module's SmsBackend; the console backend prints masked numbers, sends nothing.
# Only variables that are set go in, so a missing credential is reported by its name.
MESSAGING = {
    key: value
    for key, value in {
        "SMS_BACKEND": os.environ.get("SMS_BACKEND"),
        # The deployment's sender: an E.164 number, an alphanumeric sender id or a Twilio
        # Messaging Service sid (MG...); each store may set its own.
        "SMS_SENDER": os.environ.get("SMS_SENDER"),
        # Region (ISO 3166) to read a number in when neither its contact nor its store says.
        "SMS_DEFAULT_REGION": os.environ.get("SMS_DEFAULT_REGION"),
        "TWILIO_ACCOUNT_SID": os.environ.get("TWILIO_ACCOUNT_SID"),
        "TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN"),
    }.items()
    if value
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
