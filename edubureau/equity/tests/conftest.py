"""Equity fixtures on top of the project's actors: a department user granted 优质均衡 (the root
department user is not), a junior school, and a report factory."""

import pytest

from conftest import make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.equity.models import ResourceReport
from edubureau.org.models import School, Stage

FIGURES = {
    "building_area": "5200.50",
    "sports_area": "8000",
    "equipment_value": "2500000",
    "multimedia_classrooms": 30,
}


@pytest.fixture
def inspector(db):
    """督导室: a department with the equity module, who confirms and returns reports."""
    dept = Department.objects.create(name="督导室", grants={m: list(ALL) for m in ["org", "classes", "students", "staff", "equity"]})
    return make_user("dudao", Role.DEPARTMENT, department=dept)


@pytest.fixture
def junior_school(district):
    return School.objects.create(
        district=district, code="2131000003", name="闵行区莘庄中学", short_name="莘庄中学", stage=Stage.JUNIOR
    )


@pytest.fixture
def senior_school(district):
    return School.objects.create(
        district=district,
        code="2131000009",
        name="闵行区江川高级中学",
        short_name="江川高中",
        stage=Stage.SENIOR,
    )


@pytest.fixture
def make_report(school_year):
    def _make(school, status="草稿", **values):
        return ResourceReport.objects.create(
            school=school, school_year=school_year, status=status, **{**FIGURES, **values}
        )

    return _make


@pytest.fixture
def _private_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
