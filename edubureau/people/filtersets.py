"""One FilterSet per model, shared by the list pages, their exports and the API.

Related objects are filtered by natural keys (`school` = 学校标识码, `school_year` = start year)
as well as by ids (`school_id`, `school_class_id`), so a URL or an API call never needs a
database id it could not know. The id filters are hidden on the pages' filter forms.
"""

import unicodedata

import django_filters
from django import forms
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet, yes_no_filter
from edubureau.core.widgets import DateInput

from .models import (
    GRADE_CHOICES,
    CalendarDay,
    Education,
    Employment,
    Gender,
    HukouType,
    Posting,
    PostType,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffStatus,
    Student,
    StudentStatus,
    Title,
)


def _school_filters():
    return (
        django_filters.CharFilter(field_name="school__code", label=_("学校标识码")),
        django_filters.NumberFilter(field_name="school_id", label=_("学校ID"), widget=forms.HiddenInput),
    )


def with_class_size(queryset):
    """Classes annotated with n_students, their 在读 students. A correlated subquery, not a GROUP BY
    over the join: the database counts the students of the classes it returns, not of every class
    in the district. Annotated once, whether the list page or the size filter asks first."""
    if "n_students" in queryset.query.annotations:
        return queryset
    studying = (
        Student.objects.filter(school_class=OuterRef("pk"), status=StudentStatus.STUDYING)
        .order_by()
        .values("school_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(n_students=Coalesce(Subquery(studying), 0))


# 班额: 45 is the standard for primary, 50 for junior schools; above 55 is 大班额.
CLASS_SIZE_LIMITS = {"over45": 45, "over50": 50, "over55": 55}
CLASS_SIZE_CHOICES = [
    ("over45", _("超过45人")),
    ("over50", _("超过50人")),
    ("over55", _("大班额（超过55人）")),
    ("over_capacity", _("超出教室容量")),
]


class SchoolClassFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "head_teacher__name")
    school, school_id = _school_filters()
    school_year = django_filters.NumberFilter(field_name="school_year__start_year", label=_("学年（起始年份）"))
    grade = django_filters.ChoiceFilter(choices=GRADE_CHOICES, label=_("年级"))
    class_no = django_filters.NumberFilter(label=_("班号"))
    size = django_filters.ChoiceFilter(choices=CLASS_SIZE_CHOICES, method="filter_size", label=_("班额"))

    class Meta:
        model = SchoolClass
        fields = ["q", "school", "school_id", "school_year", "grade", "class_no", "size"]

    def filter_size(self, queryset, name, value):
        """Classes with more 在读 students than the limit (or than their classroom holds; a class
        without a recorded capacity is never over it)."""
        queryset = with_class_size(queryset)
        if value == "over_capacity":
            return queryset.filter(n_students__gt=F("capacity"))
        return queryset.filter(n_students__gt=CLASS_SIZE_LIMITS[value])


def _looks_like_number(value: str) -> bool:
    """An ID number or 学籍号 (digits, maybe a G/J/L prefix or a final X), not a name."""
    body = value[1:] if value[:1] in "GJL" else value
    return (
        len(body) >= 4
        and body[:-1].isascii()
        and body[:-1].isdigit()
        and (body[-1].isdigit() or body[-1] == "X")
    )


def _prefix(field, value):
    """field starts with value. The range says the same for these digit strings and lets SQLite
    use the plain index (its LIKE cannot); PostgreSQL uses the pattern index for the LIKE."""
    after = value[:-1] + chr(ord(value[-1]) + 1)
    return Q(**{f"{field}__startswith": value, f"{field}__gte": value, f"{field}__lt": after})


class StudentFilterSet(SearchFilterSet):
    school, school_id = _school_filters()
    school_class_id = django_filters.NumberFilter(
        field_name="school_class_id", label=_("班级ID"), widget=forms.HiddenInput
    )
    # grade / class_no / school_year describe the student's current class.
    school_year = django_filters.NumberFilter(
        field_name="school_class__school_year__start_year", label=_("学年（起始年份）")
    )
    grade = django_filters.ChoiceFilter(field_name="school_class__grade", choices=GRADE_CHOICES, label=_("年级"))
    class_no = django_filters.NumberFilter(field_name="school_class__class_no", label=_("班号"))
    status = django_filters.ChoiceFilter(choices=StudentStatus.choices, label=_("学籍状态"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("性别"))
    is_migrant = yes_no_filter(_("随迁子女"))
    hukou_type = django_filters.ChoiceFilter(choices=HukouType.choices, label=_("户籍类型"))

    class Meta:
        model = Student
        fields = [
            "q", "school", "school_id", "school_class_id", "school_year", "grade", "class_no", "status", "gender",
            "is_migrant", "hukou_type",
        ]  # fmt: skip

    def search(self, queryset, name, value):
        """A number is looked up exactly (full length) or by prefix, never by icontains: those
        lookups use the indexes on id_number and student_no; anything else searches names."""
        value = "".join(unicodedata.normalize("NFKC", value).split()).upper()
        if not value:
            return queryset
        if _looks_like_number(value):
            if len(value) >= 18:
                return queryset.filter(Q(id_number=value) | Q(student_no=value))
            return queryset.filter(_prefix("id_number", value) | _prefix("student_no", value))
        return queryset.filter(name__contains=value)


class StaffFilterSet(SearchFilterSet):
    search_fields = ("name", "subjects")
    school, school_id = _school_filters()
    status = django_filters.ChoiceFilter(choices=StaffStatus.choices, label=_("状态"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("性别"))
    post_type = django_filters.ChoiceFilter(choices=PostType.choices, label=_("岗位类别"))
    title = django_filters.ChoiceFilter(choices=Title.choices, label=_("职称"))
    education = django_filters.ChoiceFilter(choices=Education.choices, label=_("最高学历"))
    employment = django_filters.ChoiceFilter(choices=Employment.choices, label=_("用工形式"))
    honour = django_filters.CharFilter(field_name="honours", lookup_expr="contains", label=_("荣誉称号"))

    class Meta:
        model = Staff
        fields = [
            "q",
            "school",
            "school_id",
            "status",
            "gender",
            "post_type",
            "title",
            "education",
            "employment",
            "honour",
        ]


class SchoolYearFilterSet(django_filters.FilterSet):
    school_year = django_filters.NumberFilter(field_name="start_year", label=_("学年（起始年份）"))
    is_current = yes_no_filter(_("当前学年"))

    class Meta:
        model = SchoolYear
        fields = ["school_year", "is_current"]


class CalendarDayFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date__year", label=_("年份"))
    kind = django_filters.ChoiceFilter(choices=CalendarDay.Kind.choices, label=_("类型"))

    class Meta:
        model = CalendarDay
        fields = ["year", "kind"]


class PostingFilterSet(SearchFilterSet):
    search_fields = ("staff__name", "place", "to_school__name", "note")
    kind = django_filters.ChoiceFilter(choices=Posting.Kind.choices, label=_("类型"))
    school = django_filters.CharFilter(field_name="staff__school__code", label=_("派出学校标识码"))
    to_school = django_filters.CharFilter(field_name="to_school__code", label=_("派往单位标识码"))
    active_on = django_filters.DateFilter(
        method="filter_active_on", label=_("在岗日期"), widget=DateInput()
    )

    class Meta:
        model = Posting
        fields = ["q", "kind", "school", "to_school", "active_on"]

    def filter_active_on(self, queryset, name, value):
        """Postings running on that day: started by then and not yet ended (an open end runs on)."""
        return queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=value), start_date__lte=value)
