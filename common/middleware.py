from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    """French unless the person chose another language with the switcher (a cookie).

    Unlike Django's LocaleMiddleware the browser's Accept-Language is not consulted: the service
    is French-first, and a phone shared at a distribution must not change language by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNullBytesMiddleware:
    """A NUL character in a query string or a submitted form is refused with a 400 before any
    view reads it: no text of the trade contains one, and PostgreSQL refuses it in a query
    (the view would fail with a 500). JSON bodies are checked by the API's own fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_null(request.GET) or (request.method == "POST" and _has_null(request.POST)):
            message = str(_("The request contains a character that is not allowed (NUL)."))
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_null(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
