"""Fixtures of the import/export tests (test_import_*.py, test_export_*.py)."""

import pytest

from edubureau.people.models import SchoolClass


@pytest.fixture
def classes(school_a, school_b, school_year):
    """一年级 1 班 and 2 班 in school A, 一年级 1 班 in school B, in the current school year."""
    return [
        SchoolClass.objects.create(school=school_a, school_year=school_year, grade=1, class_no=1),
        SchoolClass.objects.create(school=school_a, school_year=school_year, grade=1, class_no=2),
        SchoolClass.objects.create(school=school_b, school_year=school_year, grade=1, class_no=1),
    ]


@pytest.fixture
def private_var_dir(settings, tmp_path):
    """Uploads and error reports go to the test's own directory, not the checkout's var/."""
    settings.VAR_DIR = tmp_path / "var"
