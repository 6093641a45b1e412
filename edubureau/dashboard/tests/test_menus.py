"""Menus show only what a role may open: as every demo user (every role, every demo department), every
entry of the rendered navigation answers 200, never 403 or 500."""

import pytest
from django.core.management import call_command
from django.test import Client

from edubureau.accounts.models import User
from edubureau.accounts.roles import Role
from edubureau.demo.services import DEMO_USERS


@pytest.fixture
def demo_users(db):
    call_command("demo", scale="small", seed=1, verbosity=0)
    return list(User.objects.filter(username__in=[row[0] for row in DEMO_USERS]).order_by("username"))


def menu_urls(client) -> list[str]:
    response = client.get("/")
    assert response.status_code == 200
    return [item["url"] for section in response.context["nav"] for item in section["items"]]


def test_it_opens_every_menu_entry_of_every_role(demo_users):
    assert {u.role for u in demo_users} == set(Role.values)
    failures, opened = [], 0
    for user in demo_users:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        urls = menu_urls(client)
        assert urls, user.username
        for url in urls:
            status = client.get(url).status_code
            opened += 1
            if status != 200:
                failures.append(f"{user.username} ({user.get_role_display()}): {url} → {status}")
    assert not failures, "\n".join(failures)
    assert opened > 100


def test_it_shows_a_class_teacher_only_a_short_menu(demo_users):
    client = Client()
    client.force_login(
        User.objects.get(username="xiaoxue_banzhuren"), backend="django.contrib.auth.backends.ModelBackend"
    )
    urls = menu_urls(client)
    assert "/health/report/" in urls
    assert not any(u.startswith(("/workplan/", "/equity/", "/users/", "/people/staff")) for u in urls)
