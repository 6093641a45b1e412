"""Helpers for the API tests: a token-authenticated client per actor, and registry rows."""

import datetime

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from edubureau.core import idcodes
from edubureau.people.models import Gender, SchoolClass, Staff, Student


def client_for(user=None) -> APIClient:
    """An API client that authenticates like a real one, with the user's token (None: anonymous)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def resident_id(seq=1, male=True, born=datetime.date(2016, 3, 1), region="310112"):
    return idcodes.make_resident_id(region, born, seq, male)


def make_class(school, school_year, grade=3, class_no=1, **extra):
    return SchoolClass.objects.create(
        school=school, school_year=school_year, grade=grade, class_no=class_no, **extra
    )


def make_student(school, seq=1, **extra):
    values = {
        "name": f"学生{seq}",
        "gender": Gender.MALE,
        "birth_date": datetime.date(2016, 3, 1),
        "id_number": resident_id(seq),
        "address": "上海市闵行区莘庄镇莘建路 100 弄 3 号 501 室",
        **extra,
    }
    return Student.objects.create(school=school, **values)


def make_staff(school, seq=1, **extra):
    born = datetime.date(1985, 5, 6)
    values = {
        "name": f"教师{seq}",
        "gender": Gender.FEMALE,
        "birth_date": born,
        "id_number": idcodes.make_resident_id("310112", born, seq, False),
        "phone": "13812345678",
        **extra,
    }
    return Staff.objects.create(school=school, **values)
