from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import set_language
from common.views import healthz
from frontend.views.media import photo_file
from payments.webhooks import stripe_connect_webhook, stripe_webhook

urlpatterns = [
    path("", include("frontend.urls")),
    path("compte/", include("accounts.urls")),
    path("", include("legal.urls")),
    path("api/v1/", include(("config.api", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up script as a file (?script): no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="common/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("stripe/connect-webhook/", stripe_connect_webhook, name="stripe_connect_webhook"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

# Photos from MEDIA_ROOT when the app serves them itself (SERVE_PHOTOS, docs/photos.md).
if settings.SERVE_PHOTOS:
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/photos/(?P<path>.+)$", photo_file)
    )

# Under /api/, the errors Django answers itself are JSON too (common.views).
handler400 = "common.views.bad_request"
handler404 = "common.views.page_not_found"
handler500 = "common.views.server_error"
