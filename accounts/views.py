from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts import exports
from accounts import unsubscribe as unsubscribing
from accounts.forms import SignUpForm
from accounts.services import register_user
from accounts.services import set_language as remember_language
from common.errors import DomainError
from common.forms import add_domain_error
from legal.documents import TERMS_VERSION


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("frontend:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = register_user(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                terms_version=TERMS_VERSION,  # the form requires accepting them
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Circuit Court, your account is ready."))
            return redirect("frontend:home")
    return render(request, "accounts/sign_up.html", {"form": form})


def set_language(request):
    """Django's language switcher (the cookie); a logged-in person's choice is also kept on
    their account, so that their e-mails come in that language."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        remember_language(user=request.user, language=request.POST.get("language", ""))
    return response


@csrf_exempt  # mail clients' one-click POST (RFC 8058) carries no CSRF token; it only opts out
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The link at the bottom of a reminder: GET shows one button (link checkers that open
    it change nothing), POST turns those e-mails off. No log-in needed."""
    try:
        _user, category = unsubscribing.read_token(token)
    except DomainError as exc:
        return render(
            request, "accounts/unsubscribe.html", {"error": exc.message}, status=exc.status
        )
    done = False
    if request.method == "POST":
        unsubscribing.unsubscribe(value=token)
        done = True
    return render(
        request,
        "accounts/unsubscribe.html",
        {"what": unsubscribing.NAMES[category], "done": done, "token": token},
    )


@login_required
@require_GET
def export_download(request, token: str):
    """The mailed link of a large personal-data export: its owner only, before it expires."""
    try:
        file = exports.open_export(user=request.user, token=token)
    except DomainError as exc:
        return render(
            request, "accounts/export_expired.html", {"error": exc.message}, status=exc.status
        )
    return FileResponse(file, as_attachment=True, filename=exports.export_filename(request.user))
