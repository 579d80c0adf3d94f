from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

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
