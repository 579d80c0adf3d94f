"""Product and farm photos served by the app itself while ``SERVE_PHOTOS`` is on (the default
while ``MEDIA_URL`` is one of the app's paths; a bucket or CDN serves them otherwise:
docs/photos.md). Only ``photos/`` is public; the invoices stored beside them are served by their
own views, to their owners."""

from pathlib import Path

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve


@require_safe
def photo_file(request, path: str):
    response = serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "photos")
    # A rendition's name holds its content's digest: it never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
