import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app

logger = logging.getLogger(__name__)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.error("healthz: database check failed: %s", exc)
        return "database unreachable"
    return None


def _check_broker() -> str | None:
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:
        logger.error("healthz: broker check failed: %s", exc)
        return "broker unreachable"
    return None


@never_cache
def healthz(request):
    """200 when the database and the task broker answer, 503 naming what failed."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    failed = {name: error for name, error in checks.items() if error}
    body = {
        "status": "ok" if not failed else "error",
        "checks": {name: (error or "ok") for name, error in checks.items()},
    }
    return JsonResponse(body, status=503 if failed else 200)


# --- Errors Django answers itself (no view matched, a request it refuses, a crash): under /api/
# they are JSON like every other API error ({"code", "message"}), pages keep Django's.


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse(
            {"code": "invalid", "message": _("The data sent is not valid.")}, status=400
        )
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "message": _("Something went wrong on our side.")}, status=500
        )
    return defaults.server_error(request)
