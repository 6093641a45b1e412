"""Actors of the health page tests beyond the project's conftest: the bureau's 体卫艺科, a department
that holds only the "health" module and sees the district."""

import pytest

from conftest import make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role


@pytest.fixture(name="health_officer")
def health_officer_fixture(db):
    department = Department.objects.create(name="体卫艺科", grants={m: list(ALL) for m in ["health"]})
    return make_user("tiweiyi", Role.DEPARTMENT, department=department)
