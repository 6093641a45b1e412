"""The FilterSets shared by the pages, exports and the API: natural keys and the number search."""

from edubureau.people.filtersets import SchoolClassFilterSet, StaffFilterSet, StudentFilterSet
from edubureau.people.models import SchoolClass, Staff, Student

from .conftest import make_student


def names(filterset_class, model, data):
    return sorted(str(o) for o in filterset_class(data, queryset=model.objects.all()).qs)


def test_it_filters_students_by_school_code_year_grade_and_class(student_a, student_b, school_a, class_a2):
    make_student(school_a, class_a2, name="王小二")
    assert names(StudentFilterSet, Student, {"school": school_a.code}) == ["张小明", "王小二"]
    assert names(StudentFilterSet, Student, {"school": school_a.code, "class_no": 2}) == ["王小二"]
    assert names(StudentFilterSet, Student, {"school_year": 2025, "grade": 1, "gender": "女"}) == ["李小红"]
    assert names(StudentFilterSet, Student, {"school_id": school_a.pk, "status": "在读"}) == [
        "张小明",
        "王小二",
    ]


def test_it_searches_students_by_name_or_number_prefix(student_a, student_b):
    assert names(StudentFilterSet, Student, {"q": "小明"}) == ["张小明"]
    assert names(StudentFilterSet, Student, {"q": student_b.id_number}) == ["李小红"]
    assert names(StudentFilterSet, Student, {"q": student_b.student_no[:17]}) == ["李小红"]
    assert names(StudentFilterSet, Student, {"q": student_b.student_no[:12]}) == ["张小明", "李小红"]
    # Numbers are matched from the start only, never inside.
    assert names(StudentFilterSet, Student, {"q": student_b.id_number[4:14]}) == []


def test_it_filters_classes_and_staff_by_school_code(class_a, class_b, staff_a, staff_b, school_b):
    assert [
        c.pk for c in SchoolClassFilterSet({"school": school_b.code}, queryset=SchoolClass.objects.all()).qs
    ] == [class_b.pk]
    assert names(StaffFilterSet, Staff, {"school": school_b.code}) == ["赵老师"]
    assert names(StaffFilterSet, Staff, {"honour": "区级骨干"}) == ["王老师"]
