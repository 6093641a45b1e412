"""Login throttling, CSRF, security headers, session timeout, password policy, deploy checks."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from conftest import PASSWORD


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_locks_an_account_after_five_bad_passwords_until_the_cool_off_ends(
    client, settings, school_a_clerk
):
    settings.AXES_ENABLED = True
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            response = log_in(client, "a_clerk", "wrong-password")
            assert response.status_code == 200 and "_auth_user_id" not in client.session
        response = log_in(client, "a_clerk", "wrong-password")
        assert response.status_code == 429
        assert gettext("Account temporarily locked") in response.text
        assert "15" in response.text

        # Even the right password is refused while locked.
        response = log_in(client, "a_clerk", PASSWORD)
        assert response.status_code == 429 and "_auth_user_id" not in client.session

    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        response = log_in(client, "a_clerk", PASSWORD)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(school_a_clerk.pk)


def test_it_locks_only_the_attacked_account(client, settings, school_a_clerk, school_a_admin):
    settings.AXES_ENABLED = True
    for _ in range(5):
        log_in(client, "a_clerk", "wrong-password")
    response = log_in(client, "a_admin", PASSWORD)
    assert response.status_code == 302


def test_it_refuses_posts_without_a_csrf_token(school_a_clerk):
    client = Client(enforce_csrf_checks=True)
    assert log_in(client, "a_clerk", PASSWORD).status_code == 403

    page = client.get(reverse("login"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("login"), {"username": "a_clerk", "password": PASSWORD, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302

    assert client.post(reverse("accounts:my_token"), {"action": "create"}).status_code == 403
    assert client.post(reverse("logout")).status_code == 403


def test_it_sends_csp_and_security_headers(client, login, school_a_clerk):
    for response in (client.get(reverse("login")), login(school_a_clerk).get(reverse("accounts:my_account"))):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_it_ends_an_idle_session_after_the_configured_time(client, settings, school_a_clerk):
    settings.SESSION_COOKIE_AGE = 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert log_in(client, "a_clerk", PASSWORD).status_code == 302
        assert client.session.get_expiry_age() == 3600
        assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
    with time_machine.travel(start + datetime.timedelta(minutes=50), tick=False):
        assert client.get(reverse("accounts:my_account")).status_code == 200  # activity renews the session
    with time_machine.travel(start + datetime.timedelta(minutes=100), tick=False):
        assert client.get(reverse("accounts:my_account")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=161), tick=False):
        response = client.get(reverse("accounts:my_account"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_explains_the_password_policy_in_chinese(login, school_a_clerk):
    response = login(school_a_clerk).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert "密码太短：至少需要 10 个字符" in response.text
    assert "密码须包含大写字母、小写字母、数字、符号中的至少三类" in response.text


def test_it_reports_debug_and_missing_https_in_the_deploy_check(settings):
    settings.DEBUG = True
    with pytest.raises(SystemCheckError, match="edubureau.E001"):
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())

    settings.DEBUG = False
    settings.HTTPS = False
    with pytest.raises(SystemCheckError) as error:
        call_command(
            "check", "--deploy", "--fail-level", "WARNING", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert "edubureau.W002" in str(error.value) and "未启用 HTTPS" in str(error.value)
    assert "edubureau.E001" not in str(error.value)
