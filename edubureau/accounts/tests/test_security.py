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


def log_in_from(client, address, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_locks_an_account_tried_from_many_addresses(client, settings, school_a_clerk):
    settings.AXES_ENABLED = True
    # Fewer failures from each address than the per-address limit, ten in all: the account is locked.
    for n in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        response = log_in_from(client, f"10.0.{n // 4}.{n % 4 + 1}", "a_clerk", "wrong-password")
        assert response.status_code == (429 if n == settings.AXES_ACCOUNT_FAILURE_LIMIT - 1 else 200), n
    response = log_in_from(client, "10.9.9.9", "a_clerk", PASSWORD)  # the right password, a fresh address
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_it_locks_an_address_trying_many_accounts(client, settings, school_a_clerk, school_a_admin):
    settings.AXES_ENABLED = True
    # Never the same account twice: below the per-account limits, thirty in all from one address.
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        assert log_in_from(client, "10.1.1.1", f"guess{n}", "wrong-password").status_code == 200
    assert log_in_from(client, "10.1.1.1", "guess-last", "wrong-password").status_code == 429
    assert log_in_from(client, "10.1.1.1", "a_admin", PASSWORD).status_code == 429
    # Other addresses are not affected, nor the accounts themselves.
    assert log_in_from(Client(), "10.2.2.2", "a_admin", PASSWORD).status_code == 302


def test_it_keeps_an_addresss_failures_when_someone_logs_in_from_it(client, settings, school_a_clerk):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    settings.AXES_ENABLED = True
    for n in range(3):
        log_in_from(client, "10.1.1.1", f"guess{n}", "wrong-password")
    assert log_in_from(Client(), "10.1.1.1", "a_clerk", PASSWORD).status_code == 302
    for n in range(2):
        assert log_in_from(client, "10.1.1.1", f"other{n}", "wrong-password").status_code == 200
    assert log_in_from(client, "10.1.1.1", "other-last", "wrong-password").status_code == 429


def test_it_says_in_chinese_when_to_try_again_and_whom_to_ask(client, settings, school_a_clerk):
    settings.AXES_ENABLED = True
    settings.AXES_COOLOFF_TIME = 20 / 60
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC), tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = log_in(client, "a_clerk", "wrong-password")
    assert response.status_code == 429
    text = response.text
    assert "账号已暂时锁定" in text and "登录失败次数过多" in text and "暂停登录 20 分钟" in text
    assert "请在 17:50 之后（约 20 分钟后）再试" in text  # 09:30 UTC is 17:30 in Shanghai
    assert "本单位管理员" in text and "区教育局系统管理员" in text


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


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(settings, rf):
    from edubureau.core.middleware import client_address

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A client that forges the header cannot pick the address its failures are counted against.
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert client_address(request) == "203.0.113.9"
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_address(request) == "127.0.0.1"
