"""The out-of-scope reference probe: error messages never tell who a person outside the user's scope is.

School A's clerk, school A's administrator and a department user submit to every write endpoint of the
project (API POST/PUT/PATCH routes and custom actions, and every page form that POSTs) payloads that
reference school B's people: B's student and teacher by id (`student`, `staff`, `head_teacher`,
`person`… and as `#<id>` in an ID-number field), by ID number, by 学籍号 and B's guardian's phone, in every
field that looks like a reference to a person. Whatever the answer (201, 400, 403, 404, 409), it must not
contain any of B's names, ID numbers (full or masked), phones, addresses or other strings only B may see
(`seed.secrets_b`), except the values the request itself sent (and their masks): a message may echo what
the user typed, never add who that is.

The URLs and data come from tests/test_scope_matrix.py, so a write endpoint added tomorrow is probed
tomorrow. Each probe request runs in a savepoint that is rolled back, so every probe sees the seed.
"""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from rest_framework import serializers as drf_serializers

from edubureau.admissions.models import Application
from edubureau.core import importing
from edubureau.core.idcodes import mask_id, mask_phone
from edubureau.core.scope import VIEW, scope_of
from edubureau.core.tests.importtools import (
    STAFF_HEADERS,
    staff_row,
    student_row,
    table,
    write_xlsx,
)
from edubureau.health.models import ClassReport
from edubureau.org.models import School
from edubureau.people.importers import ClassImporter, StaffImporter, StudentImporter
from edubureau.people.models import Guardian, SchoolClass, Staff, Student
from edubureau.workplan.models import Task
from tests.test_scope_matrix import (
    FormParser,
    clients_for,
    error_of,
    fetch,
    plan,
    text_of,
)
from tests.test_scope_matrix import seed as matrix_seed  # noqa: F401, F811  (a fixture)


@pytest.fixture
def seed(matrix_seed):  # noqa: F811
    """The scope matrix's data: school A's and B's objects of every model, and their secrets."""
    return matrix_seed


PROBE_ACTORS = ("school_a_clerk", "school_a_admin", "department")
DAY = datetime.date(2025, 11, 17)  # the health matrix's school day (a Monday in the matrix's term)

# Field names (the last part of a form prefix such as case-0-person) that carry a reference to a person.
ID_NUMBER_FIELDS = {
    "id_number",
    "student_id_no",
    "staff_id_no",
    "staff_id_number",
    "id_no",
    "head_teacher_id_no",
}
STUDENT_FIELDS = {"student", "student_id", "person", "keep", "members"}
STAFF_FIELDS = {"staff", "staff_id", "head_teacher"}
# Other references to school B's objects whose names only B may see (a class, a task).
OTHER_FIELDS = {"school_class": SchoolClass, "to_class": SchoolClass, "task": Task}


@dataclass
class BRefs:
    """School B's people as a user of school A might name them."""

    student: Student
    staff: Staff
    guardian: Guardian
    school_class: SchoolClass
    others: dict  # field name -> pk of B's object (OTHER_FIELDS)

    def values_for(self, field: str, *, as_text: bool) -> list:
        """B's references that fit a field of this name ([] if the field names no person)."""
        name = field.rsplit("-", 1)[-1].lower()
        pk = str if as_text else int
        if name in ID_NUMBER_FIELDS:
            return [self.student.id_number, self.staff.id_number, f"#{self.student.pk}"]
        if name in STUDENT_FIELDS:
            return [pk(self.student.pk), pk(self.staff.pk)]
        if name in STAFF_FIELDS:
            return [pk(self.staff.pk), pk(self.student.pk)]
        if name in self.others:
            return [pk(self.others[name])]
        if "phone" in name:
            return [self.guardian.phone, self.staff.phone]
        if name == "student_no":
            return [self.student.student_no]
        return []


def probed(route, user) -> bool:
    """School A's users are probed everywhere; a department user (whose scope is the whole district)
    only on routes outside the modules granted to the department."""
    if not scope_of(user).all_units:
        return True
    model = route.model
    module = getattr(model, "scope_module", None)
    return module is not None and not scope_of(user).allows(module, VIEW)


def refs_of(seed) -> BRefs:
    others = {name: seed.b[model].pk for name, model in OTHER_FIELDS.items() if model in seed.b}
    return BRefs(seed.b[Student], seed.b[Staff], seed.b[Guardian], seed.b[SchoolClass], others)


def sent_strings(payload) -> set[str]:
    """Every scalar the request sent, with the masks a page might show of it."""
    found = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif value is not None:
            text = str(value)
            found.update({text, text.lstrip("#"), mask_id(text), mask_phone(text)})

    walk(payload)
    return found


def leaked(response, seed, payload) -> list[str]:
    text = text_of(response)
    sent = sent_strings(payload)
    # A secret inside a value the request sent (B's ID number inside the 学籍号 G + ID number) is an echo too.
    return sorted(s for s in seed.secrets_b if s in text and not any(s in value for value in sent))


def probe(client, route, url, token, method, payload):
    """One request in a savepoint that is rolled back: every probe starts from the seed."""
    with transaction.atomic():
        response = fetch(client, route, url, token, method, payload)
        transaction.set_rollback(True)
    return response


def variants(payload: dict, refs: BRefs, *, as_text: bool, extra=()):
    """(where, altered payload) for each person-looking field of the payload (and of its lists of
    objects: guardians, cases) and each of B's references that fits it."""
    for key in sorted(set(payload) | set(extra)):
        for value in refs.values_for(key, as_text=as_text):
            yield key, {**payload, key: value}
        items = payload.get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict):
            for inner, altered in variants(
                items[0], refs, as_text=as_text, extra=("id",) if key == "guardians" else ()
            ):
                yield f"{key}[0].{inner}", {**payload, key: [altered, *items[1:]]}
    if "id" in extra:  # a nested row's own id: B's guardian
        yield "id", {**payload, "id": refs.guardian.pk}


# --- the API ---------------------------------------------------------------------------------------


def api_fields(route) -> set[str]:
    """The writable fields the route's serializer declares (write-only ones are not in a GET)."""
    serializer_class = getattr(route.view, "serializer_class", None)
    if serializer_class is None:
        return set()
    try:
        fields = serializer_class().fields
    except Exception:  # a serializer that needs a request to build its fields
        return set()
    return {
        name
        for name, f in fields.items()
        if not f.read_only and not isinstance(f, drf_serializers.HiddenField)
    }


def api_base(admin, admin_token, route, url, owner, seed):
    """A plausible body for the route: school A's object as the administrator reads it (unmasked)."""
    if route.name.endswith("-list"):
        model = route.model
        if model not in seed.a:
            return {}
        try:
            url = reverse(route.name[: -len("-list")] + "-detail", kwargs={"pk": seed.a[model].pk})
        except NoReverseMatch:
            return {}
    elif owner != "a":
        return {}
    elif not route.name.endswith("-detail"):  # a custom action: its body is small, start empty
        return {}
    response = fetch(admin, route, f"{url}?unmask=1", admin_token)
    if response.status_code != 200:
        return {}
    data = json.loads(response.content)
    skip = {"url", "id", "existing"}
    return {k: v for k, v in data.items() if k not in skip} if isinstance(data, dict) else {}


def health_bases(seed):
    """Valid class and staff reports of school A for the matrix's day, one case each."""
    school, school_class, student, staff = seed.a[School], seed.a[SchoolClass], seed.a[Student], seed.a[Staff]
    case = {"symptoms": ["发热"], "onset": DAY.isoformat()}
    class_report = {
        "school": school.code, "grade": school_class.grade, "class_no": school_class.class_no,
        "date": DAY.isoformat(), "expected": 40, "present": 39, "sick": 1, "personal": 0,
        "cases": [{"student_id_no": student.id_number, **case}],
    }  # fmt: skip
    staff_report = {
        "school": school.code, "date": DAY.isoformat(), "staff_total": 10, "on_duty": 9, "sick": 1,
        "personal": 0, "cases": [{"staff_id_no": staff.id_number, **case}],
    }  # fmt: skip
    return {"health-api:classreport-list": class_report, "health-api:staffreport-list": staff_report}


def api_probes(seed, actors):
    """[(route, url, method, payload, where)] for every API write route."""
    admin, admin_token = clients_for({"admin": actors["admin"]})["admin"]
    refs = refs_of(seed)
    health = health_bases(seed)
    found = []
    for route, url, owner in plan(seed)[0]:
        if not route.is_api or "auth" in route.name or "schema" in route.name or "docs" in route.name:
            continue
        if route.name.endswith("-list"):
            methods = ("post",) if hasattr(route.view, "create") else ()
        elif owner == "a" and route.name.endswith("-detail"):
            methods = ("put", "patch") if hasattr(route.view, "update") else ()
        elif owner == "a":
            methods = ("post",)  # custom actions (transition, advance, submit…)
        else:
            continue
        base = health.get(route.name) or api_base(admin, admin_token, route, url, owner, seed)
        extra = api_fields(route) | {"student", "staff", "student_id_no", "staff_id_no"}
        for method in methods:
            for where, payload in variants(base, refs, as_text=False, extra=extra):
                found.append((route, url, method, payload, where))
    return found


@pytest.mark.parametrize("actor", PROBE_ACTORS)
def test_it_names_no_out_of_scope_person_in_api_answers(seed, actors, actor):
    client, token = clients_for({actor: actors[actor]})[actor]
    probes = api_probes(seed, actors)
    assert len(probes) > 50  # the API's write routes were found and filled
    wrong = []
    for route, url, method, payload, where in probes:
        if not probed(route, actors[actor]):
            continue
        response = probe(client, route, url, token, method, payload)
        if response.status_code >= 500:
            wrong.append(f"{method.upper()} {url} {where}={payload.get(where, '…')!r}: server error")
        found = leaked(response, seed, payload)
        if found:
            wrong.append(
                f"{method.upper()} {url} {where}: {response.status_code} shows {found}: {text_of(response)[:300]}"
            )
    assert not wrong, f"As {actor}:\n  " + "\n  ".join(wrong)


# --- the pages --------------------------------------------------------------------------------------


def page_forms(client, url):
    """The fields of the page's own POST form (as the actor sees it), or None."""
    response = client.get(url)
    if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith("text/html"):
        return None
    parser = FormParser()
    parser.feed(response.content.decode())
    for action, fields in parser.forms:
        if action in ("", url, "."):
            return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}
    return None


def health_page_bases(seed):
    """The class and staff report forms with one case row, filled for school A."""
    case = {"rows": "1", "sick": "1", "case-0-onset": DAY.isoformat(), "case-0-symptoms": "发热"}
    class_form = {
        "school_class": str(seed.a[SchoolClass].pk), "date": DAY.isoformat(), "session": "晨检",
        "expected": "40", "present": "39", "personal": "0", "case-0-person": str(seed.a[Student].pk), **case,
    }  # fmt: skip
    staff_form = {
        "school": str(seed.a[School].pk), "date": DAY.isoformat(), "staff_total": "10", "on_duty": "9",
        "personal": "0", "case-0-person": str(seed.a[Staff].pk), **case,
    }  # fmt: skip
    return {"health:report_new": class_form, "health:staff_report_new": staff_form}


@pytest.mark.parametrize("actor", PROBE_ACTORS)
def test_it_names_no_out_of_scope_person_in_page_answers(seed, actors, actor):
    client, _token = clients_for({actor: actors[actor]})[actor]
    refs = refs_of(seed)
    health = health_page_bases(seed)
    wrong, sent = [], 0
    for route, url, _owner in plan(seed)[0]:
        if route.is_api or "export" in route.name or route.name in ("logout", "set_language", "login"):
            continue
        if not probed(route, actors[actor]):
            continue
        fields = health.get(route.name) or page_forms(client, url)
        if not fields:
            continue
        for where, payload in variants(fields, refs, as_text=True):
            sent += 1
            response = probe(client, route, url, None, "post", payload)
            if response.status_code >= 500:
                wrong.append(f"POST {url} {where}={payload[where]!r}: server error")
            found = leaked(response, seed, payload)
            if found:
                wrong.append(f"POST {url} {where}: {response.status_code} shows {found}")
    assert sent > 5 or actor == "department"
    assert not wrong, f"As {actor}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("actor", PROBE_ACTORS)
def test_it_names_no_out_of_scope_person_for_ids_in_the_query(seed, actors, actor):
    """Pages that pick a person or class from the query (?staff=, ?school_class=…) with B's ids."""
    client, _token = clients_for({actor: actors[actor]})[actor]
    refs = refs_of(seed)
    query = (
        f"?staff={refs.staff.pk}&student={refs.student.pk}&school_class={refs.school_class.pk}"
        f"&person={refs.student.pk}&school={seed.b[School].pk}&date={DAY.isoformat()}"
    )
    wrong = []
    for route, url, _owner in plan(seed)[0]:
        if route.is_api or route.params or route.name in ("logout",) or not probed(route, actors[actor]):
            continue
        response = client.get(url + query)
        if response.status_code >= 500:
            wrong.append(f"GET {url}{query}: server error")
        found = leaked(response, seed, {})
        if found:
            wrong.append(f"GET {url}{query}: {response.status_code} shows {found}")
    assert not wrong, f"As {actor}:\n  " + "\n  ".join(wrong)


# --- finding 2: the health report's name oracle --------------------------------------------------------


@pytest.mark.parametrize("actor", ["school_a_clerk", "school_a_admin"])
@pytest.mark.parametrize("reference", ["pk", "id_number"])
def test_it_does_not_name_another_schools_pupil_in_a_class_report(seed, actors, actor, reference):
    client, token = clients_for({actor: actors[actor]})[actor]
    other = seed.b[Student]
    body = health_bases(seed)["health-api:classreport-list"]
    case = dict(body["cases"][0])
    del case["student_id_no"]
    case["student_id_no" if reference == "id_number" else "student"] = (
        other.id_number if reference == "id_number" else other.pk
    )
    before = ClassReport.objects.get(school_class=seed.a[SchoolClass], date=DAY).version
    response = client.post(
        "/api/health/class-reports/",
        json.dumps({**body, "cases": [case]}),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 400, response.content
    text = text_of(response)
    assert other.name not in text and other.school.name not in text
    errors = response.json()["errors"]
    assert len(errors) == 1 and "不是" in errors[0] and "在读学生" in errors[0], errors
    if reference == "pk":
        assert f"学生编号 {other.pk}" in errors[0] and other.id_number not in text
    assert ClassReport.objects.get(school_class=seed.a[SchoolClass], date=DAY).version == before


def test_it_answers_alike_for_a_pupil_of_another_school_and_for_nobody(seed, actors):
    """Whether the id names a pupil of school B or no pupil at all, the message is the same."""
    client, token = clients_for({"school_a_clerk": actors["school_a_clerk"]})["school_a_clerk"]
    body = health_bases(seed)["health-api:classreport-list"]
    case = {k: v for k, v in body["cases"][0].items() if k != "student_id_no"}
    missing = max(Student.objects.values_list("pk", flat=True)) + 1000

    def errors(pk):
        response = client.post(
            "/api/health/class-reports/",
            json.dumps({**body, "cases": [{**case, "student": pk}]}),
            content_type="application/json",
            headers={"Authorization": f"Token {token}"},
        )
        assert response.status_code == 400
        return [e.replace(str(pk), "…") for e in response.json()["errors"]]

    assert errors(seed.b[Student].pk) == errors(missing)


def test_it_does_not_name_another_schools_pupil_on_the_report_page(seed, actors):
    client, _token = clients_for({"school_a_clerk": actors["school_a_clerk"]})["school_a_clerk"]
    form = {**health_page_bases(seed)["health:report_new"], "case-0-person": str(seed.b[Student].pk)}
    response = client.post(reverse("health:report_new"), form)
    assert response.status_code == 400
    assert seed.b[Student].name not in text_of(response)


def test_it_does_not_name_another_schools_teacher_in_a_staff_report(seed, actors):
    client, token = clients_for({"school_a_admin": actors["school_a_admin"]})["school_a_admin"]
    body = health_bases(seed)["health-api:staffreport-list"]
    other = seed.b[Staff]
    case = {**body["cases"][0], "staff_id_no": other.id_number}
    response = client.post(
        "/api/health/staff-reports/",
        json.dumps({**body, "cases": [case]}),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 400
    assert other.name not in text_of(response) and other.school.name not in text_of(response)


# --- finding 7: existence oracles ----------------------------------------------------------------------


def post_json(client, token, url, body):
    return client.post(
        url, json.dumps(body), content_type="application/json", headers={"Authorization": f"Token {token}"}
    )


def new_student_body(seed, other):
    """A new pupil of school A that carries the ID number (birth date, gender) of B's pupil."""
    return {
        "name": "甲校新生", "gender": other.gender, "birth_date": other.birth_date.isoformat(),
        "id_type": other.id_type, "id_number": other.id_number, "school": seed.a[School].code,
    }  # fmt: skip


@pytest.mark.parametrize("actor", ["school_a_clerk", "school_a_admin"])
def test_it_does_not_confirm_a_pupil_registered_elsewhere_through_the_api(seed, actors, actor):
    client, token = clients_for({actor: actors[actor]})[actor]
    other = seed.b[Student]
    response = post_json(client, token, "/api/people/students/", new_student_body(seed, other))
    assert response.status_code in (400, 409), response.content
    text = text_of(response)
    for word in ("已存在", "在册", "已有学籍", "其他学校", other.name, other.school.name, "existing"):
        assert word not in text, (word, text)
    assert "区教育局学籍管理部门" in text
    assert not Student.objects.filter(name="甲校新生").exists()


def test_it_does_not_confirm_a_teacher_registered_elsewhere_through_the_api(seed, actors):
    client, token = clients_for({"school_a_admin": actors["school_a_admin"]})["school_a_admin"]
    other = seed.b[Staff]
    body = {
        "name": "甲校新教师", "gender": other.gender, "birth_date": other.birth_date.isoformat(),
        "id_type": other.id_type, "id_number": other.id_number, "school": seed.a[School].code,
    }  # fmt: skip
    response = post_json(client, token, "/api/people/staff/", body)
    assert response.status_code in (400, 409), response.content
    text = text_of(response)
    for word in ("已存在", "在册", "其他学校", other.name, other.school.name):
        assert word not in text, (word, text)


def test_it_does_not_confirm_a_pupil_registered_elsewhere_when_editing_through_the_api(seed, actors):
    client, token = clients_for({"school_a_admin": actors["school_a_admin"]})["school_a_admin"]
    mine, other = seed.a[Student], seed.b[Student]
    body = {"id_number": other.id_number, "birth_date": other.birth_date.isoformat(), "gender": other.gender}
    response = client.patch(
        f"/api/people/students/{mine.pk}/", json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )  # fmt: skip
    assert response.status_code in (400, 409), response.content
    text = text_of(response)
    for word in ("已存在", "在册", "已有学籍", "其他学校", other.name):
        assert word not in text, (word, text)


def test_it_does_not_confirm_a_pupil_registered_elsewhere_on_the_student_form(seed, actors):
    client, _token = clients_for({"school_a_admin": actors["school_a_admin"]})["school_a_admin"]
    other = seed.b[Student]
    form = {
        "name": "甲校新生", "gender": other.gender, "birth_date": other.birth_date.isoformat(),
        "id_type": other.id_type, "id_number": other.id_number, "school": seed.a[School].pk,
        "guardians-TOTAL_FORMS": "0", "guardians-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(reverse("people:student_add"), form)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("id_number", []))
    assert errors and "区教育局学籍管理部门" in errors
    for word in ("已有学籍", "在册", "其他学校", "原学校", other.name):
        assert word not in errors, (word, errors)


def test_it_does_not_confirm_a_childs_application_for_another_school(seed, actors):
    """School A's administrator corrects A's application to the ID number of a child who applied only to
    school B: the refusal does not say the child applied, nor give the application's number."""
    client, token = clients_for({"school_a_admin": actors["school_a_admin"]})["school_a_admin"]
    mine, other = seed.a[Application], seed.b[Application]
    body = {"id_number": other.id_number, "birth_date": other.birth_date.isoformat(), "gender": other.gender}
    response = client.patch(
        f"/api/admissions/applications/{mine.pk}/", json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )  # fmt: skip
    assert response.status_code == 400, response.content
    text = text_of(response)
    for word in ("已有报名", other.number, other.child_name, mask_id(other.id_number), seed.b[School].name):
        assert word not in text, (word, text)
    assert "区教育局招生管理部门" in text
    # The bureau, who sees both, is told which application it is.
    admin, admin_token = clients_for({"admin": actors["admin"]})["admin"]
    response = admin.patch(
        f"/api/admissions/applications/{mine.pk}/", json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Token {admin_token}"},
    )  # fmt: skip
    assert response.status_code == 400 and other.number in text_of(response)


def run_import(importer_class, user, path):
    importer = importer_class(scope_of(user))
    result = importing.run(importer, str(path), path.name, dry_run=True)
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("status", ["在读", "死亡"])
def test_it_does_not_confirm_a_pupil_registered_elsewhere_in_an_import(seed, actors, tmp_path, status):
    other = seed.b[Student]
    if status == "死亡":
        Student.objects.filter(pk=other.pk).update(status=status)
    school_class = seed.a[SchoolClass]
    row = student_row(
        seed.a[School].code, school_class.grade, school_class.class_no, name="甲校新生", id_number=other.id_number,
        birth=other.birth_date, male=other.gender == "男", 学籍号="",
    )  # fmt: skip
    errors = run_import(
        StudentImporter, actors["school_a_admin"], write_xlsx(tmp_path / "s.xlsx", table([row]))
    )
    assert len(errors) == 1, errors
    assert errors[0].startswith("第 2 行，证件号码：") and "区教育局学籍管理部门" in errors[0]
    for word in ("在册", "其他学校", "原学校", "死亡", "注销", other.name, other.school.name):
        assert word not in errors[0], (word, errors)


def test_it_does_not_confirm_a_student_number_used_elsewhere_in_an_import(seed, actors, tmp_path):
    """A row keyed by 学籍号 alone (no ID number) that is B's pupil's 学籍号."""
    other = seed.b[Student]
    school_class = seed.a[SchoolClass]
    row = student_row(seed.a[School].code, school_class.grade, school_class.class_no, name="甲校新生",
                      birth=other.birth_date, 证件号码="", 学籍号=other.student_no)  # fmt: skip
    errors = run_import(
        StudentImporter, actors["school_a_admin"], write_xlsx(tmp_path / "s.xlsx", table([row]))
    )
    assert errors == [
        "第 2 行，学籍号：该学籍号不能使用。请核对学籍号；如确认无误，请联系区教育局学籍管理部门"
    ], errors


def test_it_does_not_confirm_a_teacher_registered_elsewhere_in_an_import(seed, actors, tmp_path):
    other = seed.b[Staff]
    row = staff_row(seed.a[School].code, name="甲校新教师", birth=other.birth_date)
    row["证件号码"] = other.id_number
    path = write_xlsx(tmp_path / "t.xlsx", table([row], STAFF_HEADERS), "教职工")
    errors = run_import(StaffImporter, actors["school_a_admin"], path)
    assert len(errors) == 1, errors
    for word in ("在册", "其他学校", "原学校", other.name, other.school.name):
        assert word not in errors[0], (word, errors)


def test_it_does_not_say_where_a_head_teacher_of_another_school_works(seed, actors, tmp_path):
    from edubureau.core.importing import template_header

    headers = [template_header(c) for c in ClassImporter.columns]
    other = seed.b[Staff]
    row = {"学校标识码": seed.a[School].code, "年级": 3, "班号": 7, "班主任证件号码": other.id_number}
    path = write_xlsx(tmp_path / "c.xlsx", table([row], headers), "班级")
    errors = run_import(ClassImporter, actors["school_a_admin"], path)
    assert errors and all(other.name not in e and other.school.name not in e for e in errors), errors


# --- malformed references on pages (issue 11, finding 4) --------------------------------------------

# Query parameters the pages read ids, years, dates and pages from.
QUERY_NAMES = (
    "school", "school_class", "staff", "student", "plan", "section", "campaign", "school_year", "year", "start",
    "end", "date", "page", "kind", "sort", "task", "to_school", "fallback", "session", "org", "school_code",
)  # fmt: skip
MALFORMED = ("abc", "99999999999999999999")


@pytest.mark.parametrize("actor", ["admin", "school_a_admin"])
def test_it_answers_malformed_ids_on_pages_without_server_errors(seed, actors, actor):
    """?school=abc, non-numeric ids in the page forms' fields: 200/302/400/404, never a server error."""
    client, _token = clients_for({actor: actors[actor]})[actor]
    wrong = []
    for route, url, _owner in plan(seed)[0]:
        if route.is_api or route.name in ("logout", "set_language") or "export" in route.name:
            continue  # an export reads the same filters as its list page
        fields = page_forms(client, url)
        for bad in MALFORMED:
            query = "&".join(f"{name}={bad}" for name in QUERY_NAMES)
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                wrong.append(f"GET {url}?…={bad}: {response.status_code} {error_of(response)}")
            if not fields:
                continue
            numeric = {k for k, v in fields.items() if isinstance(v, str) and v.isdigit()}
            numeric |= {
                k for k, v in fields.items() if isinstance(v, list) and any(str(x).isdigit() for x in v)
            }
            numeric = {k for k in numeric if not k.endswith("_FORMS")}  # a formset's counts are not ids
            if not numeric:
                continue
            payload = {**fields, **dict.fromkeys(numeric, bad)}
            response = probe(client, route, url, None, "post", payload)
            if response.status_code >= 500:
                wrong.append(
                    f"POST {url} {sorted(numeric)}={bad}: {response.status_code} {error_of(response)}"
                )
    for name in ("core:import_template",):  # routes with a text parameter
        for bad in ("abc", "x" * 300):
            response = client.get(reverse(name, kwargs={"kind": bad}))
            if response.status_code >= 500:
                wrong.append(f"GET {name} kind={bad}: {response.status_code}")
    assert not wrong, f"As {actor}:\n  " + "\n  ".join(wrong)
