"""The API's shared machinery: token login, the root, the schema and docs, CSRF for sessions."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from conftest import PASSWORD
from edubureau.core.tests.apitools import client_for

TOKEN = "/api/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(db):
    cache.clear()  # throttle counters live in the cache (a table of the database)
    yield
    cache.clear()


def test_it_gives_a_token_for_a_username_and_password(leader):
    response = APIClient().post(TOKEN, {"username": "leader", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=leader).key == token
    authed = APIClient()
    authed.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert authed.get("/api/org/schools/").status_code == 200


def test_it_refuses_a_wrong_password_in_chinese(leader):
    response = APIClient().post(TOKEN, {"username": "leader", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["无法使用提供的认证信息登录。"]}
    assert not Token.objects.exists()


def test_it_locks_the_token_login_out_after_repeated_failures(leader, settings):
    settings.AXES_ENABLED = True
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN, {"username": "leader", "password": "wrong"}, format="json")
    response = client.post(TOKEN, {"username": "leader", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "登录失败次数过多，该账号已暂时锁定，请 15 分钟后再试或联系管理员。"}
    assert not Token.objects.exists()


def test_it_throttles_token_requests(leader, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    client = APIClient()
    statuses = [
        client.post(TOKEN, {"username": "leader", "password": "x"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_it_revokes_the_callers_token(leader):
    client = client_for(leader)
    assert client.delete(TOKEN).status_code == 204
    assert not Token.objects.filter(user=leader).exists()
    assert client.get("/api/org/schools/").status_code == 401
    assert APIClient().delete(TOKEN).status_code == 401


def test_it_refuses_an_unknown_token(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/").status_code == 401


def test_it_lists_the_api_from_its_root(leader):
    assert client_for(None).get("/api/").status_code == 401
    body = client_for(leader).get("/api/").json()
    assert body["org"] == "http://testserver/api/org/"
    assert body["people"] == "http://testserver/api/people/"
    assert (
        client_for(leader).get("/api/people/").json()["students"] == "http://testserver/api/people/students/"
    )


def test_it_checks_csrf_for_session_writes(school_a_admin):
    # A browser session may use the API too, but a write without the CSRF token is refused.
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_a_admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/org/schools/").status_code == 200
    response = client.patch(
        f"/api/org/schools/{school_a_admin.org_id}/", {"phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_it_caps_the_page_size(admin_user, school_a, school_b):
    body = client_for(admin_user).get("/api/org/schools/", {"limit": 1}).json()
    assert (body["count"], len(body["results"])) == (2, 1)
    assert body["next"] == "http://testserver/api/org/schools/?limit=1&offset=1"


def test_it_generates_the_openapi_schema_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/org/schools/{id}/",
        "/api/people/students/",
        "/api/people/school-years/",
        "/api/auth/token/",
    ):
        assert f"  {path}:" in text


def test_it_serves_the_schema(leader):
    response = client_for(leader).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "EduBureau API"
    assert "409" in schema["paths"]["/api/people/students/"]["post"]["responses"]


def test_it_shows_the_schema_and_docs_only_to_logged_in_users(login, leader):
    for url in ("/api/schema/", "/api/docs/"):
        assert Client().get(url).status_code in (401, 403)
        assert login(leader).get(url).status_code == 200  # the docs page fetches the schema with the session
    token = Token.objects.create(user=leader).key
    assert Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_it_serves_a_docs_page_without_outside_assets(login, leader):
    response = login(leader).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "swagger-ui-dist" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
