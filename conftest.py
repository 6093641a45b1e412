"""Standard actors for every test: the bureau admin, a leader, a department user, and the
users of school A and school B. B must never see A's records (Healthchecks' alice/bob/charlie)."""

import datetime

import pytest

from edubureau.accounts.models import Department, User
from edubureau.accounts.roles import ALL, Role
from edubureau.core.scope import ADD, CHANGE, EXPORT, IMPORT, VIEW
from edubureau.org.models import District, School, Stage
from edubureau.people.models import SchoolYear

PASSWORD = "Test@pass2026"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s a password; every test makes several users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_login_lockout(settings):
    # Tests log in many times; lock-out has its own test that turns it back on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _forget_remembered_registry():
    # The health reports remember the calendar, settings, rules and class registry per process under
    # a stamp in the database cache (core.caching); each test builds its own, and a flush leaves the
    # cache table (and so the stamp) as it was, so the process forgets its values between tests.
    from edubureau.health import services

    services.clear_caches()
    yield
    services.clear_caches()


@pytest.fixture
def district(db):
    return District.objects.create(code="310112", name="闵行区")


@pytest.fixture
def school_year(db):
    return SchoolYear.objects.create(
        start_year=2025, start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31), is_current=True
    )


@pytest.fixture
def school_a(district):
    return School.objects.create(district=district, code="2131000001", name="闵行区实验小学", short_name="实验小学", stage=Stage.PRIMARY)


@pytest.fixture
def school_b(district):
    return School.objects.create(district=district, code="2131000002", name="闵行区七宝小学", short_name="七宝小学", stage=Stage.PRIMARY)


def make_user(username, role, org=None, department=None, **extra):
    user = User(username=username, display_name=username, role=role, org=org, department=department, **extra)
    user.apply_role_defaults()
    for key, value in extra.items():
        setattr(user, key, value)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def admin_user(db):
    return make_user("admin", Role.ADMIN)


@pytest.fixture
def leader(db):
    return make_user("leader", Role.LEADER)


@pytest.fixture
def department_user(db):
    # Owns the class and people registries; may not delete schools (that is the administrator's).
    grants = {"org": [VIEW, ADD, CHANGE, IMPORT, EXPORT], "classes": list(ALL), "students": list(ALL), "staff": list(ALL)}
    dept = Department.objects.create(name="基教科", grants=grants)
    return make_user("jijiao", Role.DEPARTMENT, department=dept)


@pytest.fixture
def school_a_admin(school_a):
    return make_user("a_admin", Role.SCHOOL_ADMIN, org=school_a)


@pytest.fixture
def school_a_clerk(school_a):
    return make_user("a_clerk", Role.SCHOOL_CLERK, org=school_a)


@pytest.fixture
def school_b_admin(school_b):
    return make_user("b_admin", Role.SCHOOL_ADMIN, org=school_b)


@pytest.fixture
def actors(admin_user, leader, department_user, school_a_admin, school_a_clerk, school_b_admin):
    return {
        "admin": admin_user,
        "leader": leader,
        "department": department_user,
        "school_a_admin": school_a_admin,
        "school_a_clerk": school_a_clerk,
        "school_b_admin": school_b_admin,
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
