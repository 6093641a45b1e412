"""Schemathesis against the in-process WSGI app: requests generated from /api/schema/ never
produce a server error. As the bureau admin (everything in scope), on a small registry."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from edubureau.core.tests.apitools import make_class, make_staff, make_student
from edubureau.org.models import Campus, EduGroup, Zone
from edubureau.people.models import Guardian

# Few examples per operation keep the run well under a minute; derandomized so CI is repeatable.
FUZZ = settings(
    max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, minus closing the database connection at the end of each request
    (as Django's test client does): that would close the test's transaction on PostgreSQL."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def registry(district, school_a, school_b, school_year):
    zone = Zone.objects.create(district=district, name="莘庄学区")
    group = EduGroup.objects.create(district=district, name="实验教育集团", lead_school=school_a)
    school_a.zone, school_a.group = zone, group
    school_a.save()
    school_class = make_class(school_a, school_year)
    student = make_student(school_a, 1, school_class=school_class)
    Guardian.objects.create(student=student, name="张大明", relation="父亲", phone="13900001111")
    make_student(school_b, 2)
    return {
        "/api/org/schools/{id}/": school_a.pk,
        "/api/org/zones/{id}/": zone.pk,
        "/api/org/groups/{id}/": group.pk,
        "/api/org/campuses/{id}/": Campus.objects.create(school=school_a, name="东校区").pk,
        "/api/people/classes/{id}/": school_class.pk,
        "/api/people/students/{id}/": student.pk,
        "/api/people/staff/{id}/": make_staff(school_a).pk,
        "/api/people/school-years/{id}/": school_year.pk,
    }


def fuzz(operation, headers, **fixed):
    @FUZZ
    @given(case=operation.as_strategy(**fixed))
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    run()


def test_it_answers_generated_requests_without_server_errors(admin_user, registry, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    headers = {"Authorization": f"Token {Token.objects.create(user=admin_user).key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    reads = [op for op in operations if op.method.upper() == "GET"]
    assert len(reads) >= 16  # list and detail of every endpoint
    for operation in reads:
        fuzz(operation, headers)
        if operation.path in registry:  # also on a row that exists, not only on ids that 404
            fuzz(operation, headers, path_parameters={"id": registry[operation.path]})
    # Writes too: generated input must come back as 400 (or 201/200), never as a server error.
    for operation in operations:
        if operation.method.upper() == "POST":
            fuzz(operation, headers)
        elif operation.method.upper() in ("PUT", "PATCH") and operation.path in registry:
            fuzz(operation, headers, path_parameters={"id": registry[operation.path]})
