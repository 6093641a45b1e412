from django.urls import reverse
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from conftest import PASSWORD
from edubureau.core.models import ChangeRecord

NEW_PASSWORD = "Neu-Passwort2026"


def change(client, old, new1, new2=None):
    data = {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
    return client.post(reverse("accounts:password_change"), data)


def test_it_shows_every_user_their_account(login, school_a_clerk):
    response = login(school_a_clerk).get(reverse("accounts:my_account"))
    assert response.status_code == 200
    assert "a_clerk" in response.text and "学校填报员" in response.text and "闵行区实验小学" in response.text


def test_it_changes_my_password_and_keeps_me_logged_in(login, school_a_clerk):
    client = login(school_a_clerk)
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.url == reverse("accounts:my_account")
    school_a_clerk.refresh_from_db()
    assert school_a_clerk.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:my_account")).status_code == 200  # session hash updated
    record = ChangeRecord.objects.get(object_id=str(school_a_clerk.pk), content_type__model="user")
    assert record.after == {"password": "（已修改）"} and record.user_name == "a_clerk"


def test_it_refuses_a_weak_new_password_in_chinese(login, school_a_clerk):
    client = login(school_a_clerk)
    response = change(client, PASSWORD, "password1")
    assert response.status_code == 200
    assert "密码太短：至少需要 10 个字符" in response.text and "这个密码太常见了" in response.text
    response = change(client, PASSWORD, "alllowercaseletters")
    assert "至少三类" in response.text
    response = change(client, "wrong-old-password", NEW_PASSWORD)
    assert "旧密码不正确" in response.text
    school_a_clerk.refresh_from_db()
    assert school_a_clerk.check_password(PASSWORD)


def test_it_creates_shows_once_regenerates_and_revokes_my_api_token(login, school_a_clerk):
    client = login(school_a_clerk)
    response = client.post(reverse("accounts:my_token"), {"action": "create"})
    token = Token.objects.get(user=school_a_clerk)
    assert response.status_code == 200 and token.key in response.text

    response = client.get(reverse("accounts:my_account"))
    assert token.key not in response.text and token.key[-4:] in response.text

    client.post(reverse("accounts:my_token"), {"action": "create"})
    new = Token.objects.get(user=school_a_clerk)
    assert new.key != token.key

    response = client.post(reverse("accounts:my_token"), {"action": "revoke"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=school_a_clerk).exists()
    afters = list(
        ChangeRecord.objects.filter(object_id=str(school_a_clerk.pk))
        .order_by("id")
        .values_list("after", flat=True)
    )
    assert afters == [{"api_token": "新令牌"}, {"api_token": "新令牌"}, {"api_token": "已撤销"}]
    assert not any(token.key in str(a) or new.key in str(a) for a in afters)


def test_it_authenticates_api_calls_with_the_token_until_it_is_revoked(login, school_a_clerk):
    client = login(school_a_clerk)
    client.post(reverse("accounts:my_token"), {"action": "create"})
    key = Token.objects.get(user=school_a_clerk).key

    def api_user(token):
        request = APIRequestFactory().get("/api/", HTTP_AUTHORIZATION=f"Token {token}")
        try:
            return TokenAuthentication().authenticate(request)[0]
        except AuthenticationFailed:
            return None

    assert api_user(key) == school_a_clerk
    client.post(reverse("accounts:my_token"), {"action": "revoke"})
    assert api_user(key) is None


def test_it_only_accepts_posts_for_the_token(login, school_a_clerk):
    assert login(school_a_clerk).get(reverse("accounts:my_token")).status_code == 405
