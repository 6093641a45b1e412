"""A later module adds its tile and queue item through the registry, without touching the cockpit;
they appear only to users whose scope allows the module."""

import pytest
from django.urls import reverse

from edubureau.dashboard import registry
from edubureau.dashboard.registry import QueueItem, Tile

pytestmark = pytest.mark.django_db


@pytest.fixture
def forms_module(monkeypatch):
    """A "forms due" tile and queue item, as a forms engine's tiles.py would register them."""
    monkeypatch.setattr(registry, "TILES", dict(registry.TILES))
    monkeypatch.setattr(registry, "QUEUE", dict(registry.QUEUE))

    @registry.tile("forms_due", module="students", order=1)
    def forms_due(user, today):
        return [Tile("forms_due", "待收表单", 7, "份", link="/forms/due/", group="表单")]

    @registry.queue_item("forms_to_check", module="students", audience=("department",))
    def forms_to_check(user, today):
        return [QueueItem("forms_to_check", "待审核表单", 2, "/forms/check/", today)]


def test_a_registered_tile_shows_on_the_cockpit(login, leader, forms_module):
    response = login(leader).get(reverse("home"))
    first_group, first_tiles = response.context["groups"][0]
    assert first_group == "表单" and first_tiles[0].value == 7
    assert 'id="tile-forms_due"' in response.content.decode()


def test_a_registered_queue_item_shows_on_the_workbench(login, department_user, forms_module):
    response = login(department_user).get(reverse("home"))
    assert [q.key for q in response.context["queue"]] == ["forms_to_check"]
    assert 'href="/forms/check/"' in response.content.decode()


def test_it_hides_a_tile_from_users_without_the_module(login, forms_module):
    from conftest import make_user
    from edubureau.accounts.models import Department
    from edubureau.accounts.roles import Role

    department = Department.objects.create(name="体卫艺科", grants={"health": ["view"]})
    user = make_user("health_only", Role.DEPARTMENT, department=department)
    response = login(user).get(reverse("home"))
    assert "forms_due" not in {t.key for _g, ts in response.context["groups"] for t in ts}
    assert response.context["queue"] == []
