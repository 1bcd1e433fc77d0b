"""Two-factor sign-in is compulsory for staff roles (coordinator, broker, municipality,
project lead, administrator): until they have set up TOTP they are sent to the set-up page."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation

from .policy import principal_for

# Paths a staff member without two-factor may still reach: the set-up itself, sign-out,
# language switch, static files and the health check.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireStaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not settings.DEMO_SKIP_MFA
            and not request.path.startswith(ALLOWED_PREFIXES)
            and principal_for(user).is_staff_role
            and not has_mfa(user)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                return JsonResponse(
                    {"detail": _("Set up two-factor sign-in before using the API.")}, status=403
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Dutch unless the person chose English with the language switcher (the
    language cookie). A browser's Accept-Language is not followed for pages: a Dutch public
    service speaks Dutch first, whatever language the computer was set up in, and a parent
    opening a signing link on an English phone still reads the Dutch agreement. API clients
    (``/api/``) may ask for English with Accept-Language."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
