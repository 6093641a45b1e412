from django.conf import settings
from django.http import HttpResponse

from . import context


def client_address(request):
    # Behind a trusted proxy the client is the first X-Forwarded-For entry.
    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()
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
