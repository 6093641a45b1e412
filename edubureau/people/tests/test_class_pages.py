import pytest
from django.urls import reverse

from edubureau.core.models import ChangeRecord
from edubureau.people.models import SchoolClass

from .conftest import make_staff, make_student, read_xlsx


@pytest.mark.parametrize(
    "who", ["admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin"]
)
def test_it_lists_classes_within_scope_with_their_size(login, actors, who, class_a, class_b):
    make_student(class_a.school, class_a)
    make_student(class_a.school, class_a, status="休学")
    rows = login(actors[who]).get(reverse("people:class_list")).context["rows"]
    sizes = {obj.pk: obj.n_students for obj, _ in rows}
    if who == "school_b_admin":
        assert sizes == {class_b.pk: 0}
    elif who.startswith("school_a"):
        assert sizes == {class_a.pk: 1}
    else:
        assert sizes == {class_a.pk: 1, class_b.pk: 0}


def test_it_shows_a_class_with_its_students_head_teacher_and_capacity(login, actors, class_a, staff_a):
    class_a.head_teacher = staff_a
    class_a.capacity = 1
    class_a.save()
    make_student(class_a.school, class_a, name="甲同学")
    make_student(class_a.school, class_a, name="乙同学")
    response = login(actors["school_a_clerk"]).get(reverse("people:class_detail", args=[class_a.pk]))
    page = response.content.decode()
    assert "甲同学" in page and "乙同学" in page and "王老师" in page
    assert response.context["studying"] == 2 and response.context["over_capacity"]


@pytest.mark.parametrize("name", ["people:class_detail", "people:class_edit"])
def test_it_hides_school_as_classes_from_school_b(login, actors, class_a, name):
    assert login(actors["school_b_admin"]).get(reverse(name, args=[class_a.pk])).status_code == 404


def test_it_adds_a_class_and_logs_it(login, actors, school_a, school_year, staff_a):
    data = {"school": school_a.pk, "school_year": school_year.pk, "grade": 3, "class_no": 2,
            "head_teacher": staff_a.pk, "capacity": 45}  # fmt: skip
    response = login(actors["school_a_admin"]).post(reverse("people:class_add"), data)
    created = SchoolClass.objects.get(grade=3)
    assert response.status_code == 302 and created.head_teacher == staff_a
    assert ChangeRecord.objects.filter(object_id=str(created.pk), action="create").exists()


def test_it_refuses_a_grade_the_school_does_not_teach_and_a_duplicate_number(
    login, actors, class_a, school_year
):
    client = login(actors["school_a_admin"])
    data = {"school": class_a.school_id, "school_year": school_year.pk, "grade": 7, "class_no": 1}
    response = client.post(reverse("people:class_add"), data)
    assert response.context["form"].errors["grade"] == ["闵行区实验小学（小学）不开设七年级。"]
    data["grade"] = 1
    response = client.post(reverse("people:class_add"), data)
    assert response.context["form"].non_field_errors() == ["该学校本学年已有相同年级和班号的班级。"]


def test_it_refuses_a_head_teacher_from_another_school(login, actors, class_a, school_b, school_year):
    other = make_staff(school_b)
    data = {
        "school": class_a.school_id,
        "school_year": school_year.pk,
        "grade": 2,
        "class_no": 1,
        "head_teacher": other.pk,
    }
    response = login(actors["admin"]).post(reverse("people:class_add"), data)
    assert "head_teacher" in response.context["form"].errors


def test_it_refuses_class_edits_to_clerks(login, actors, class_a):
    client = login(actors["school_a_clerk"])
    assert client.get(reverse("people:class_edit", args=[class_a.pk])).status_code == 403
    assert client.get(reverse("people:class_add")).status_code == 403


def test_it_lists_staff_options_for_the_head_teacher_select(login, actors, staff_a, staff_b, school_a):
    page = (
        login(actors["admin"]).get(reverse("people:staff_options"), {"school": school_a.pk}).content.decode()
    )
    assert "王老师" in page and "赵老师" not in page


def test_it_exports_classes_with_their_size(login, actors, class_a, class_b):
    make_student(class_a.school, class_a)
    rows = read_xlsx(login(actors["school_a_admin"]).get(reverse("people:class_export")))
    assert rows[0] == ["学校", "学年", "班级", "班号", "班主任", "在读人数", "教室容量"]
    assert rows[1:] == [["闵行区实验小学", "2025-2026学年", "一年级（1）班", 1, "", 1, 45]]
