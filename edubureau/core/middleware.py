from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from . import context


def client_address(request):
    # Behind our one trusted proxy the client is the last X-Forwarded-For entry: the proxy appends the
    # address it saw; entries before it come from the client and can be forged (to dodge a lock-out).
    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


class ChangeContextMiddleware:
    """Every change made while handling a request is logged with its user, address and request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        source = "api" if request.path.startswith("/api/") else "web"
        with context.acting(user=user, source=source, remote_addr=client_address(request)):
            return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and related headers (Django 5.2 has no built-in CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class NoStoreMiddleware:
    """What a logged-in user is sent (pages, API answers, downloads, HTMX fragments) may name pupils and
    staff: no browser, shared computer or proxy may keep a copy. Anonymous answers (the login page, the
    published lottery files, healthz) keep whatever caching they had; static files never get here.

    The user is read after the view, so a token user of the API (authenticated by DRF inside the view)
    counts as well as a session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # patch, not replace: a view's own directives stay (no-store wins over any of them).
            patch_cache_control(response, no_store=True, private=True)
            response.headers["Pragma"] = "no-cache"  # HTTP/1.0 proxies
        return response


class HtmxLoginRedirectMiddleware:
    """An HTMX request whose session expired gets a full-page redirect, not the login page swapped into a div."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") and response.status_code == 302:
            location = response.headers["Location"]
            response = HttpResponse(status=204)
            response.headers["HX-Redirect"] = location
        return response
