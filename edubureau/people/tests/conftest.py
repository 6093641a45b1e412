"""People fixtures on top of the project's actors: a class, a student and a staff member in each
of school A and school B, built with valid ID numbers; and the import tests' `classes` and `private_var_dir`."""

import datetime
import itertools

import pytest

from edubureau.core import idcodes
from edubureau.core.tests.conftest import classes, private_var_dir  # noqa: F401 (the import tests' fixtures)
from edubureau.people.models import Guardian, SchoolClass, Staff, Student

_seq = itertools.count(1)


def read_xlsx(response) -> list[list]:
    """The rows of the first sheet of a downloaded .xlsx (header first)."""
    import io

    from python_calamine import CalamineWorkbook

    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def make_student(
    school, school_class=None, *, name=None, birth=datetime.date(2018, 3, 5), male=True, **extra
):
    n = next(_seq)
    id_number = idcodes.make_resident_id("310112", birth, n % 100, male)
    fields = dict(
        name=name or f"学生{n}", gender="男" if male else "女", birth_date=birth, id_number=id_number,
        student_no="G" + id_number, school=school, school_class=school_class, address="上海市闵行区莘庄镇莘松路 88 弄 5 号",
    )  # fmt: skip
    fields.update(extra)
    return Student.objects.create(**fields)


def make_staff(school, *, name=None, birth=datetime.date(1985, 6, 1), male=False, **extra):
    n = next(_seq)
    fields = dict(
        name=name or f"老师{n}", gender="男" if male else "女", birth_date=birth,
        id_number=idcodes.make_resident_id("310112", birth, n % 100, male), school=school, phone="13812345678",
    )  # fmt: skip
    fields.update(extra)
    return Staff.objects.create(**fields)


@pytest.fixture
def unmasking_admin(actors):
    """School A's administrator, allowed to see full ID numbers and phones."""
    user = actors["school_a_admin"]
    user.can_unmask = True
    user.save()
    return user


@pytest.fixture
def class_a(school_a, school_year):
    return SchoolClass.objects.create(
        school=school_a, school_year=school_year, grade=1, class_no=1, capacity=45
    )


@pytest.fixture
def class_a2(school_a, school_year):
    return SchoolClass.objects.create(
        school=school_a, school_year=school_year, grade=1, class_no=2, capacity=45
    )


@pytest.fixture
def class_b(school_b, school_year):
    return SchoolClass.objects.create(school=school_b, school_year=school_year, grade=1, class_no=1)


@pytest.fixture
def student_a(school_a, class_a):
    student = make_student(school_a, class_a, name="张小明")
    Guardian.objects.create(student=student, name="张大明", relation="父亲", phone="13912345678")
    return student


@pytest.fixture
def student_b(school_b, class_b):
    return make_student(school_b, class_b, name="李小红", male=False)


@pytest.fixture
def staff_a(school_a):
    return make_staff(school_a, name="王老师", honours="区级骨干")


@pytest.fixture
def staff_b(school_b):
    return make_staff(school_b, name="赵老师")
