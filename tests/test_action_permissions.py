"""Permissions by action, on every URL: part of the scope matrix (tests/test_scope_matrix.py).

A department is granted actions per module (view, add, change, delete, import, export), not a whole
module; a 班主任 is bound to the classes they head and the 校医 to the school (issue 11, findings
5 and 6). Through every page and API route of the project:
  - a department that may only view and export every module changes nothing anywhere;
  - the school's 班主任 and 校医 see none of school B's people and get no server error.
"""

import pytest
from rest_framework.test import APIClient

from conftest import make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, MODULES, READ, Role
from edubureau.org.models import School, Zone
from edubureau.people.models import SchoolClass, Staff, Student

from .test_scope_matrix import (
    altered,
    clients_for,
    database,
    error_of,
    fetch,
    leaked,
    payload_for,
    plan,
    seed,  # noqa: F401  (the fixture)
)

# A user's own account pages write to that user's own record whatever their grants.
OWN_ACCOUNT = {
    "login", "logout", "set_language", "api-token", "accounts:my_account", "accounts:password_change",
    "accounts:my_token",
}  # fmt: skip


@pytest.fixture
def viewer(db):
    department = Department.objects.create(name="只读科", grants={m: list(READ) for m in MODULES})
    return make_user("viewer", Role.DEPARTMENT, department=department)


def test_it_lets_a_view_only_department_change_nothing(seed, actors, viewer):  # noqa: F811
    clients = clients_for({"admin": actors["admin"], "viewer": viewer})
    (admin, admin_token), (client, token) = clients["admin"], clients["viewer"]
    targets = [(route, url) for route, url, _owner in plan(seed)[0] if route.name not in OWN_ACCOUNT]
    payloads = {url: altered(payload_for(admin, admin_token, route, url)) for route, url in targets}
    before = database()
    wrong = []
    for route, url in targets:
        methods = ("put", "patch", "delete", "post") if route.is_api else ("post",)
        for method in methods:
            response = fetch(client, route, url, token, method, payloads[url])
            # Some pages answer a POST without writing (a calculation, a check, a duplicate search):
            # pages must not fail, the API must refuse, and nothing may change in the database.
            refused = response.status_code in (403, 404, 405)
            if response.status_code >= 500 or (route.is_api and not refused):
                wrong.append(f"{method.upper()} {url} ({route.name}): {response.status_code} {error_of(response)}")
    changed = [label for label, rows in database().items() if rows != before[label]]
    assert not wrong, "A department that may only view was not refused:\n  " + "\n  ".join(wrong)
    assert not changed, f"A view-only department's requests changed {changed}"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def department(name, grants):
    return make_user(name, Role.DEPARTMENT, department=Department.objects.create(name=name, grants=grants))


def test_a_module_grant_is_no_longer_total(seed, admin_user):  # noqa: F811
    """体卫艺科 may view the school registry but not delete a school; 人事科 may not rename a 学区."""
    school, zone = seed.a[School], seed.a[Zone]
    tiwei = department("矩阵体卫艺科", {"org": list(READ), "health": list(ALL)})
    renshi = department("矩阵人事科", {"org": list(READ), "staff": list(ALL)})
    assert api(tiwei).get(f"/api/org/schools/{school.pk}/").status_code == 200
    assert api(tiwei).delete(f"/api/org/schools/{school.pk}/").status_code == 403
    assert api(renshi).patch(f"/api/org/zones/{zone.pk}/", {"name": "改名学区"}).status_code == 403
    assert School.objects.filter(pk=school.pk).exists() and Zone.objects.get(pk=zone.pk).name == zone.name
    assert api(admin_user).patch(f"/api/org/zones/{zone.pk}/", {"name": "改名学区"}).status_code == 200


def test_each_action_is_granted_on_its_own(seed):  # noqa: F811
    """The department that owns the student registry may change students but was not given delete."""
    owner = department("矩阵学籍科", {"students": ["view", "change"]})
    student = seed.a[Student]
    client = api(owner)
    assert client.patch(f"/api/people/students/{student.pk}/", {"note": "已核对"}).status_code == 200
    assert client.delete(f"/api/people/students/{student.pk}/").status_code == 403
    assert client.post("/api/people/students/", {"name": "新生"}).status_code == 403
    assert Student.objects.filter(pk=student.pk).exists()


@pytest.mark.parametrize("role", [Role.HEAD_TEACHER, Role.SCHOOL_DOCTOR])
def test_school_health_roles_see_nothing_of_school_b_on_any_url(seed, school_a, role):  # noqa: F811
    staff = seed.a[Staff]  # the 班主任 of school A's class in the seed
    user = make_user(f"matrix_{role}", role, org=school_a, staff=staff)
    client, token = clients_for({"user": user})["user"]
    wrong = []
    for route, url, _owner in plan(seed)[0]:
        response = fetch(client, route, url, token)
        if response.status_code >= 500:
            wrong.append(f"{url} ({route.name}): server error {response.status_code} {error_of(response)}")
            continue
        found = leaked(response, seed.secrets_b)
        if found:
            wrong.append(f"{url} ({route.name}): shows {found}")
    assert not wrong, f"As {role}:\n  " + "\n  ".join(wrong)


def test_a_head_teacher_sees_only_the_classes_they_head(seed, school_a, school_year):  # noqa: F811
    other_class = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=4, class_no=1)
    pupil = Student.objects.filter(school=school_a).first()
    moved = Student.objects.create(
        name="甲校周子墨", gender=pupil.gender, birth_date=pupil.birth_date, school=school_a,
        school_class=other_class, id_type="无证件", id_number="", no_id_reason="尚未办理",
    )  # fmt: skip
    user = make_user("matrix_bzr", Role.HEAD_TEACHER, org=school_a, staff=seed.a[Staff])
    client = api(user)
    listed = {row["name"] for row in client.get("/api/people/students/").json()["results"]}
    assert pupil.name in listed and moved.name not in listed
    assert client.get(f"/api/people/students/{moved.pk}/").status_code == 404
    classes = {row["id"] for row in client.get("/api/people/classes/").json()["results"]}
    assert classes == {seed.a[SchoolClass].pk}
