"""Masking on every surface, as every actor: no page shows a full sensitive value unless the user asked
to see it (?unmask=1, with the right to), and every read that shows one is in the access log.

Built on the scope matrix (tests/test_scope_matrix.py): the same routes, the same seed (school A's and
B's people, the apps' matrix objects) and the same clients. The full values are read from the database:
every field a model names in `sensitive_fields` (ID numbers, 学籍号, phones, addresses) of every row.

  (a) every HTML page (they all carry a <form method="post">; the edit and add pages their own), as
      every actor who gets 200, without ?unmask=1: no full value anywhere in the response;
  (b) every page and API route, as the administrator, with and without ?unmask=1: whenever the
      response holds a full value, an AccessRecord with unmasked=True was written for it (naming the
      path for pages and the API; a download is an export record);
  (c) round trips through HTTP: an edit form posted back as the browser shows it keeps the stored
      values; newly typed values replace them.
"""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from edubureau.admissions.models import Application, ApplicationGuardian
from edubureau.core.idcodes import make_resident_id, mask_address, mask_id, mask_phone
from edubureau.core.models import AccessRecord
from edubureau.org.models import School
from edubureau.people.models import Guardian, SchoolClass, Staff, Student
from tests.test_scope_matrix import (
    PUBLIC,
    FormParser,
    clients_for,
    fetch,
    plan,
    seed,  # noqa: F401  (the fixture)
    text_of,
)

ACTORS = ["admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin"]

# The edit pages the walk must have met, or it proves nothing.
EDIT_PAGES = {"people:student_edit", "people:staff_edit", "admissions:application_edit", "accounts:user_edit"}


@pytest.fixture
def people(seed, actors):  # noqa: F811
    """The matrix seed plus the sensitive values it leaves empty: users' phones, an application
    guardian's ID number."""
    for n, key in enumerate(("school_a_clerk", "school_b_admin"), start=1):
        actors[key].phone = f"1350000{n:02d}44"
        actors[key].save(update_fields=["phone"])
    for n, guardian in enumerate(ApplicationGuardian.objects.order_by("pk"), start=1):
        guardian.id_number = make_resident_id("310112", datetime.date(1988, 6, n), 80 + n, male=False)
        guardian.save(update_fields=["id_number"])
    return seed


def full_values() -> dict:
    """Every stored sensitive value -> where it comes from (Student.id_number #3)."""
    found = {}
    for model in apps.get_models():
        names = getattr(model, "sensitive_fields", None)
        if not names:
            continue
        for row in model._base_manager.values("pk", *names):
            for name in names:
                if row[name] and len(row[name]) >= 6:
                    found[row[name]] = f"{model.__name__}.{name} #{row['pk']}"
    return found


def shown(response, values) -> list[str]:
    text = text_of(response)
    return sorted(where for value, where in values.items() if value in text)


def is_html(response) -> bool:
    return response.headers.get("Content-Type", "").startswith("text/html")


def own_form(response, url) -> bool:
    parser = FormParser()
    parser.feed(response.content.decode())
    return any(action in ("", ".", url) for action, _fields in parser.forms)


def with_unmask(url) -> str:
    return f"{url}{'&' if '?' in url else '?'}unmask=1"


# --- (a) no full value on any page without ?unmask=1 ----------------------------------------------------


def test_it_shows_no_full_sensitive_value_on_any_page_without_unmask(people, actors):
    values = full_values()
    assert {where.split(".")[0] for where in values.values()} >= {
        "Student", "Staff", "Guardian", "Application", "ApplicationGuardian", "User"
    }  # fmt: skip
    clients = clients_for({actor: actors[actor] for actor in ACTORS})
    wrong, edit_pages = [], set()
    for actor in ACTORS:
        client, token = clients[actor]
        for route, url, _owner in plan(people)[0]:
            if route.is_api or route.name in PUBLIC:
                continue
            response = fetch(client, route, url, token)
            if response.status_code != 200 or not is_html(response):
                continue
            if own_form(response, url):
                edit_pages.add(route.name)
            found = shown(response, values)
            if found:
                wrong.append(f"{actor} {url} ({route.name}): shows {found}")
    assert not wrong, "Full sensitive values on pages nobody asked to unmask:\n  " + "\n  ".join(wrong)
    assert EDIT_PAGES <= edit_pages, f"The walk did not reach {EDIT_PAGES - edit_pages}"


# --- (b) every unmasked read is in the access log ---------------------------------------------------


def test_it_writes_an_unmasked_access_record_for_every_read_of_a_full_value(people, actors):
    values = full_values()
    client, token = clients_for({"admin": actors["admin"]})["admin"]
    wrong, unmasked_reads = [], set()
    for route, url, _owner in plan(people)[0]:
        if route.name in ("logout", "api-token"):
            continue
        for target in (url, with_unmask(url)):
            last = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = fetch(client, route, target, token)
            if response.status_code >= 500:
                wrong.append(f"{target} ({route.name}): server error {response.status_code}")
            found = shown(response, values)
            if not found:
                continue
            records = AccessRecord.objects.filter(pk__gt=last, unmasked=True, user=actors["admin"])
            if is_html(response) or route.is_api:
                records = records.filter(kind=AccessRecord.Kind.UNMASK, what__contains=url)
            else:
                records = records.filter(kind=AccessRecord.Kind.EXPORT)
            if not records.exists():
                wrong.append(f"{target} ({route.name}): shows {found} without an unmasked access record")
            unmasked_reads.add(route.name)
    assert not wrong, "Unmasked reads missing from the access log:\n  " + "\n  ".join(wrong)
    # The walk met the unmask surfaces the issue names.
    assert {
        "people:student_edit", "people:staff_edit", "admissions:application_edit", "accounts:user_edit",
        "health-api:sickcase-list", "health-api:classreport-detail", "health-api:staffreport-detail",
        "people-api:student-list", "people:student_detail", "core:change_detail",
    } <= unmasked_reads, unmasked_reads  # fmt: skip


@pytest.mark.parametrize("name, model", [("health:school", School), ("health:class", SchoolClass)])
def test_it_logs_the_unmasked_health_pages(people, actors, name, model):
    from edubureau.health.tests.matrix import DAY

    url = reverse(name, args=[people.a[model].pk])
    client = clients_for({"admin": actors["admin"]})["admin"][0]
    response = client.get(url, {"date": DAY.isoformat(), "unmask": "1"})
    assert response.status_code == 200 and people.a[Student].name in response.content.decode()  # not 甲***
    record = AccessRecord.objects.get(kind=AccessRecord.Kind.UNMASK)
    assert record.unmasked and url in record.what


# --- (c) round trips through HTTP -----------------------------------------------------------------------


def form_of(response, url="") -> dict:
    """The page's own form as a browser would post it back."""
    parser = FormParser()
    parser.feed(response.content.decode())
    for action, fields in parser.forms:
        if action in ("", ".", url):
            return {k: v for k, v in fields.items() if v != []}
    raise AssertionError("no form posting to the page itself")


def round_trip(client, url, change=None):
    page = client.get(url)
    assert page.status_code == 200
    data = form_of(page, url)
    data.update(change or {})
    return page, data, client.post(url, data)


@pytest.fixture
def browser(actors):
    def _browser(actor):
        return clients_for({actor: actors[actor]})[actor][0]

    return _browser


def test_it_keeps_a_students_masked_values_and_takes_typed_ones(people, browser):
    student = people.a[Student]
    guardian = people.a[Guardian]
    url = reverse("people:student_edit", args=[student.pk])
    client = browser("school_a_clerk")
    stored = (student.id_number, student.student_no, student.address, guardian.phone)

    page, data, response = round_trip(client, url)
    for value in stored:
        assert value not in page.content.decode()
    assert response.status_code == 302, text_of(response)
    student.refresh_from_db()
    guardian.refresh_from_db()
    assert (student.id_number, student.student_no, student.address, guardian.phone) == stored

    # The masked value itself sent back (a script, an older page) keeps the stored value too.
    masked = {"id_number": mask_id(student.id_number), "student_no": mask_id(student.student_no),
              "address": mask_address(student.address), "guardians-0-phone": mask_phone(guardian.phone)}  # fmt: skip
    _page, _data, response = round_trip(client, url, masked)
    assert response.status_code == 302, text_of(response)
    student.refresh_from_db()
    guardian.refresh_from_db()
    assert (student.id_number, student.student_no, student.address, guardian.phone) == stored

    # A failed save re-renders the form without the stored values (the birth date disagrees with the ID).
    _page, _data, response = round_trip(client, url, {"birth_date": "2016-01-01"})
    assert response.status_code == 200
    assert "出生日期" in response.content.decode()
    for value in stored:
        assert value not in response.content.decode()

    new_id = make_resident_id("310112", student.birth_date, 55, male=True)
    typed = {"id_number": new_id, "student_no": "G" + new_id, "address": "上海市闵行区新路9号",
             "guardians-0-phone": "13711112222"}  # fmt: skip
    _page, _data, response = round_trip(client, url, typed)
    assert response.status_code == 302, text_of(response)
    student.refresh_from_db()
    guardian.refresh_from_db()
    assert (student.id_number, student.student_no, student.address, guardian.phone) == (
        new_id, "G" + new_id, "上海市闵行区新路9号", "13711112222"
    )  # fmt: skip


def test_it_keeps_a_staff_members_masked_values_and_takes_typed_ones(people, browser):
    staff = people.a[Staff]
    url = reverse("people:staff_edit", args=[staff.pk])
    client = browser("admin")  # may unmask, but did not ask: the form is masked as well
    stored = (staff.id_number, staff.phone)
    page, _data, response = round_trip(client, url)
    assert all(value not in page.content.decode() for value in stored)
    assert response.status_code == 302, text_of(response)
    staff.refresh_from_db()
    assert (staff.id_number, staff.phone) == stored
    assert not AccessRecord.objects.filter(kind=AccessRecord.Kind.UNMASK).exists()

    new_id = make_resident_id("310112", staff.birth_date, 66, male=False)
    _page, _data, response = round_trip(client, url, {"id_number": new_id, "phone": "13622223333"})
    assert response.status_code == 302, text_of(response)
    staff.refresh_from_db()
    assert (staff.id_number, staff.phone) == (new_id, "13622223333")


def test_it_keeps_an_applications_masked_values_and_takes_typed_ones(people, browser):
    application = people.a[Application]
    guardian = application.guardians.get()
    url = reverse("admissions:application_edit", args=[application.pk])
    client = browser("admin")

    def stored():
        application.refresh_from_db()
        guardian = application.guardians.get()
        return (application.id_number, application.hukou_address, application.residence_address,
                guardian.id_number, guardian.phone)  # fmt: skip

    before = stored()
    page, data, response = round_trip(client, url)
    assert all(value not in page.content.decode() for value in before)
    assert response.status_code == 302, text_of(response)
    assert stored() == before

    new_id = make_resident_id("310112", application.birth_date, 91, male=True)
    new_guardian_id = make_resident_id("310112", datetime.date(1987, 2, 3), 92, male=True)
    typed = {
        "id_number": new_id, "hukou_address": "上海市闵行区新户籍路2号", "residence_address": "上海市闵行区新居住路3号",
        "g1_id_number": new_guardian_id, "g1_phone": "13533334444",
    }  # fmt: skip
    _page, _data, response = round_trip(client, url, typed)
    assert response.status_code == 302, text_of(response)
    assert stored() == (
        new_id,
        "上海市闵行区新户籍路2号",
        "上海市闵行区新居住路3号",
        new_guardian_id,
        "13533334444",
    )
    assert guardian.pk  # the row the form showed


def test_it_keeps_a_users_masked_phone_and_takes_a_typed_one(people, actors, browser):
    user = actors["school_a_clerk"]
    url = reverse("accounts:user_edit", args=[user.pk])
    client = browser("admin")
    page, _data, response = round_trip(client, url)
    assert user.phone not in page.content.decode()
    assert response.status_code == 302, text_of(response)
    user.refresh_from_db()
    assert user.phone == "13500000144"
    _page, _data, response = round_trip(client, url, {"phone": "13544445555"})
    assert response.status_code == 302, text_of(response)
    user.refresh_from_db()
    assert user.phone == "13544445555"


# --- the unmask action on an edit page ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, model", [("people:student_edit", Student), ("people:staff_edit", Staff),
                    ("admissions:application_edit", Application)],
)  # fmt: skip
def test_it_unmasks_an_edit_form_on_request_and_logs_it(people, browser, name, model):
    obj = people.a[model]
    url = reverse(name, args=[obj.pk])
    client = browser("admin")
    page = client.get(url).content.decode()
    assert obj.id_number not in page and 'href="?unmask=1"' in page  # the 查看完整信息 action
    response = client.get(url, {"unmask": "1"})
    assert response.status_code == 200 and obj.id_number in response.content.decode()
    record = AccessRecord.objects.get(kind=AccessRecord.Kind.UNMASK)
    assert (record.unmasked, record.rows, record.user.username) == (True, 1, "admin")
    assert url in record.what


def test_it_keeps_the_form_masked_for_a_user_who_may_not_unmask(people, browser):
    student = people.a[Student]
    url = reverse("people:student_edit", args=[student.pk])
    response = browser("school_a_clerk").get(url, {"unmask": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and student.id_number not in page and 'href="?unmask=1"' not in page
    assert not AccessRecord.objects.filter(kind=AccessRecord.Kind.UNMASK).exists()
