"""Schemathesis against the in-process WSGI app: requests generated from /api/schema/ never produce a
server error, as every role of conftest's actors, on the scope matrix's data (tests/test_scope_matrix.py:
school A's and B's rows of every model, so PUT, PATCH and the custom actions run on rows that exist).

The schema declares ids as integers, so malformed ids (/alerts/abc/transition/, {"task": {}}) are also
sent explicitly to every operation."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from conftest import make_user
from edubureau.accounts.roles import Role
from edubureau.health.models import Alert
from edubureau.people.models import Staff
from tests.test_scope_matrix import seed as matrix_seed  # noqa: F401, F811  (a fixture)


@pytest.fixture
def seed(matrix_seed):  # noqa: F811
    """The scope matrix's data: school A's and B's objects of every model, and their secrets."""
    return matrix_seed


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, minus closing the database connection at the end of each request
    (as Django's test client does): that would close the test's transaction on PostgreSQL."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


ROLES = (
    "admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin",
    "school_a_head_teacher", "school_a_doctor",
)  # fmt: skip


@pytest.fixture
def users(seed, actors):
    """conftest's actors and school A's 班主任 (of the seed's class) and 校医."""
    school = seed.a[Staff].school
    return {
        **actors,
        "school_a_head_teacher": make_user("fuzz_bzr", Role.HEAD_TEACHER, org=school, staff=seed.a[Staff]),
        "school_a_doctor": make_user("fuzz_xy", Role.SCHOOL_DOCTOR, org=school),
    }
# The administrator reaches every write, so gets the most examples; the others mostly meet 403s and 404s.
EXAMPLES = {"admin": 4}
EXAMPLES_PER_ROLE = 2

# Malformed ids for URLs and bodies: each must give 400 or 404, never a server error.
BAD_PATH_IDS = ("abc", "99999999999999999999", "%20")
BAD_BODY_IDS = ("abc", {}, [1], 10**20)
BAD_BODIES = ([], [1], "abc", 1, None)


def rows_of(operations, seed) -> dict[str, int]:
    """Schema path -> the id of school A's row of that endpoint's model (custom actions too), so that
    PUT, PATCH and the actions run on a row that exists, not only on ids that 404."""
    found = {}
    for operation in operations:
        if "{id}" not in operation.path or operation.path in found:
            continue
        view = resolve(operation.path.replace("{id}", "1")).func
        model = getattr(getattr(getattr(view, "cls", None), "queryset", None), "model", None)
        row = seed.a.get(model) or seed.shared.get(model)
        if row is not None:
            found[operation.path] = row.pk
    return found


def fuzz(operation, headers, examples, wrong, mode=GenerationMode.POSITIVE, **fixed):
    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(case=operation.as_strategy(mode, **fixed))
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        return False  # nothing to generate in this mode (a negative case of a body-less action on a fixed id)
    except Exception as e:  # every failing operation, not the first
        wrong.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {str(e)[:600]}")


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_generated_requests_without_server_errors(seed, users, wsgi_app, role):
    """Every operation as every role: GETs, POSTs (creates and custom actions), and PUT/PATCH and the
    actions on a row that exists; writes also with negative data (wrong types, ids that are not ints)."""
    headers = {"Authorization": f"Token {Token.objects.create(user=users[role]).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    rows = rows_of(operations, seed)
    examples = EXAMPLES.get(role, EXAMPLES_PER_ROLE)
    reads = [op for op in operations if op.method.upper() == "GET"]
    assert len(reads) >= 16 and len(rows) >= 20  # list and detail of every endpoint; A's rows found
    wrong = []
    for operation in operations:
        method, row = operation.method.upper(), rows.get(operation.path)
        on_row = {"path_parameters": {"id": row}} if row else {}
        if method == "GET":
            fuzz(operation, headers, examples, wrong)
            if row:
                fuzz(operation, headers, examples, wrong, **on_row)
        elif method == "POST" or (method in ("PUT", "PATCH") and row):
            # Generated input must come back as 400 (or 201/200), never as a server error.
            fuzz(operation, headers, examples, wrong, **on_row)
            if fuzz(operation, headers, examples, wrong, GenerationMode.NEGATIVE, **on_row) is False:
                fuzz(operation, headers, examples, wrong, GenerationMode.NEGATIVE)  # then a malformed id
    assert not wrong, f"As {role}:\n  " + "\n  ".join(wrong)


def test_it_answers_malformed_ids_in_api_urls_and_bodies_without_server_errors(seed, actors, wsgi_app):
    """The schema declares ids as integers, so generated requests rarely send /alerts/abc/transition/
    or {"task": {}}: every operation gets them here, as the administrator and as school A's clerk."""
    client = Client(raise_request_exception=False)
    tokens = {role: Token.objects.create(user=actors[role]).key for role in ("admin", "school_a_clerk")}
    headers = {"Authorization": f"Token {tokens['admin']}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    rows = rows_of(operations, seed)
    requests = []
    for operation in operations:
        method = operation.method.lower()
        if method == "delete":
            continue
        if "{id}" in operation.path:
            requests += [(method, operation.path.replace("{id}", bad), {}) for bad in BAD_PATH_IDS]
        if method != "get":
            path = operation.path.replace("{id}", str(rows.get(operation.path, 1)))
            requests += [(method, path, body) for body in BAD_BODIES]
            requests += [
                (method, path, {name: bad}) for name in body_fields(operation) for bad in BAD_BODY_IDS
            ]
    wrong = []
    for role, token in tokens.items():
        for method, path, body in requests:
            with transaction.atomic():  # each request sees the seed
                auth = {"Authorization": f"Token {token}"}
                if method == "get":
                    response = client.get(path, headers=auth)
                else:
                    data = json.dumps(body)
                    response = getattr(client, method)(
                        path, data, content_type="application/json", headers=auth
                    )
                transaction.set_rollback(True)
            if response.status_code >= 500:
                wrong.append(f"{role}: {method.upper()} {path} {body!r}: {response.status_code}")
    assert not wrong, "Server errors on malformed ids:\n  " + "\n  ".join(wrong)


# Body fields worth a malformed id even when the schema does not say they hold one.
REFERENCE_NAMES = ("task", "student", "staff", "school_class", "head_teacher", "campus", "assignee", "id")


def body_fields(operation) -> list[str]:
    """The fields of the operation's JSON body that hold an id or a number, or look like a reference."""
    body = operation.definition.raw.get("requestBody", {})
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = operation.schema.raw_schema
        for part in body["content"]["application/json"]["schema"]["$ref"].lstrip("#/").split("/"):
            schema = schema.get(part, {})
    names = []
    for name, field in (schema.get("properties") or {}).items():
        parts = [field, *field.get("oneOf", []), *field.get("allOf", []), *field.get("anyOf", [])]
        kinds = {p.get("type") for p in parts}
        if name in REFERENCE_NAMES or "integer" in kinds or any("$ref" in p for p in parts):
            names.append(name)
    return names


def api_post(client, token, url, body):
    return client.post(
        url, json.dumps(body), content_type="application/json", headers={"Authorization": f"Token {token}"}
    )


def test_it_answers_the_known_malformed_requests_with_400_or_404(seed, actors):
    """Issue 11, finding 4: these were server errors."""
    client = Client(raise_request_exception=False)
    token = Token.objects.create(user=actors["admin"]).key
    for alert in ("abc", str(10**20)):
        response = api_post(client, token, f"/api/health/alerts/{alert}/transition/", {"status": "已核实"})
        assert response.status_code == 404, (alert, response.content)
    assert seed.a[Alert].status == "新建"
    for task in ({}, "abc", [1], ""):
        body = {"task": task, "period_start": "2026-01-01", "text": "推进顺利"}
        response = api_post(client, token, "/api/workplan/reports/", body)
        assert response.status_code == 400 and "task" in response.json(), (task, response.content)
    body = {"task": 10**20, "period_start": "2026-01-01", "text": "推进顺利"}
    assert api_post(client, token, "/api/workplan/reports/", body).status_code == 404
    response = api_post(client, token, "/api/workplan/reports/", [1])
    assert response.status_code == 400
