import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from edubureau.core import idcodes
from edubureau.core.models import ChangeRecord
from edubureau.people import services
from edubureau.people.models import Enrollment, Guardian, IdType, Posting, Staff, StatusChange, Student

from .conftest import make_staff, make_student

BIRTH = datetime.date(2017, 5, 9)


def test_it_finds_the_same_person_by_normalised_name_birth_and_gender(school_a, school_b):
    one = make_student(school_a, name="阿依·古丽", birth=BIRTH, male=False)
    two = make_student(school_b, name="阿依 • 古丽", birth=BIRTH, male=False, id_number="", student_no="",
                       id_type=IdType.NONE, no_id_reason="未办理")  # fmt: skip
    make_student(school_b, name="阿依·古丽", birth=BIRTH, male=True)  # another gender: another person
    groups = services.find_duplicate_students()
    assert [(g.reason, g.ids) for g in groups] == [("姓名、出生日期、性别相同", [one.pk, two.pk])]


def test_it_finds_the_same_id_across_id_types_and_old_numbers(school_a, school_b):
    old = "310112900305071"
    new = idcodes.validate_resident_id(old, allow_15=True)
    one = make_student(school_a, name="甲", id_number=new, student_no="")
    two = make_student(school_b, name="乙", id_type=IdType.PASSPORT, id_number=old, student_no="")
    groups = services.find_duplicate_students()
    assert [(g.reason, g.ids) for g in groups] == [("证件号码相同", [one.pk, two.pk])]


def test_it_merges_a_duplicate_student_into_the_kept_one(school_a, school_b, class_a, class_b, school_year):
    keep = make_student(school_a, class_a, name="王五", birth=BIRTH, address="")
    remove = make_student(school_b, class_b, name="王五", birth=BIRTH, id_type=IdType.NONE, id_number="",
                          no_id_reason="未办理", address="上海市闵行区七宝镇新镇路 1 号")  # fmt: skip
    Guardian.objects.create(student=keep, name="王父", relation="父亲", phone="13900000001")
    Guardian.objects.create(student=remove, name="王父", relation="父亲", phone="13900000001")
    Guardian.objects.create(student=remove, name="王母", relation="母亲", phone="13900000002")
    Enrollment.objects.create(student=keep, school_year=school_year, school=school_a, school_class=class_a)
    Enrollment.objects.create(student=remove, school_year=school_year, school=school_b, school_class=class_b)
    StatusChange.objects.create(student=remove, kind="入学", date=BIRTH.replace(year=2023))

    services.merge_students(keep, remove)

    assert not Student.objects.filter(pk=remove.pk).exists()
    keep.refresh_from_db()
    assert keep.address == "上海市闵行区七宝镇新镇路 1 号"  # filled from the duplicate
    assert sorted(keep.guardians.values_list("name", flat=True)) == ["王母", "王父"]
    assert Enrollment.objects.get(student=keep).school == school_a
    assert StatusChange.objects.get().student == keep
    deleted = ChangeRecord.objects.get(
        object_id=str(remove.pk), content_type__model="student", action="delete"
    )
    assert deleted.after["merged_into"] == keep.pk and deleted.before["address"] == remove.address
    updated = ChangeRecord.objects.get(object_id=str(keep.pk), content_type__model="student", action="update")
    assert updated.after["merged_from"] == remove.pk and updated.after["address"] == remove.address


def test_it_moves_the_id_number_to_a_kept_record_without_one(school_a, school_b):
    keep = make_student(
        school_a, name="赵六", id_type=IdType.NONE, id_number="", student_no="", no_id_reason="未办理"
    )
    remove = make_student(school_b, name="赵六")
    number = remove.id_number
    services.merge_students(keep, remove)
    keep.refresh_from_db()
    assert (keep.id_type, keep.id_number, keep.no_id_reason, keep.student_no) == (
        "居民身份证",
        number,
        "",
        "G" + number,
    )


def test_it_refuses_to_merge_a_record_with_itself(student_a):
    with pytest.raises(ValidationError):
        services.merge_students(student_a, student_a)


def test_it_merges_staff_with_postings_classes_and_honours(school_a, class_a):
    keep = make_staff(school_a, name="孙老师", birth=BIRTH, honours="区级骨干")
    remove = make_staff(
        school_a, name="孙老师", birth=BIRTH, honours="区学科带头人、区级骨干", subjects="数学"
    )
    Posting.objects.create(staff=remove, kind="支教", place="云南", start_date=BIRTH)
    class_a.head_teacher = remove
    class_a.save()
    assert [g.ids for g in services.find_duplicate_staff()] == [[keep.pk, remove.pk]]
    services.merge_staff(keep, remove)
    keep.refresh_from_db()
    class_a.refresh_from_db()
    assert keep.honour_list == ["区级骨干", "区学科带头人"] and keep.subjects == "数学"
    assert class_a.head_teacher == keep and Posting.objects.get().staff == keep
    assert not Staff.objects.filter(pk=remove.pk).exists()


def test_it_shows_and_merges_duplicates_for_district_users(login, actors, school_a, school_b):
    one = make_student(school_a, name="钱七", birth=BIRTH)
    two = make_student(school_b, name="钱七", birth=BIRTH)
    client = login(actors["department"])
    page = client.get(reverse("people:duplicates"))
    assert page.status_code == 200 and "钱七" in page.content.decode()
    assert one.id_number not in page.content.decode()
    response = client.post(
        reverse("people:duplicates"), {"kind": "students", "keep": two.pk, "members": f"{one.pk},{two.pk}"}
    )
    assert response.status_code == 302
    assert list(Student.objects.values_list("pk", flat=True)) == [two.pk]


@pytest.mark.parametrize("who", ["leader", "school_a_admin"])
def test_it_refuses_the_duplicates_page_to_others(login, actors, who, school_a):
    client = login(actors[who])
    assert client.get(reverse("people:duplicates")).status_code == 403
    assert (
        client.post(
            reverse("people:duplicates"), {"kind": "students", "keep": 1, "members": "1,2"}
        ).status_code
        == 403
    )
