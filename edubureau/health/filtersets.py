"""One FilterSet per model, shared by the list pages, their exports and the API.

Natural keys as well as ids: `school` = 学校标识码, `grade` + `class_no`, `date` / `date_from` /
`date_to`; the id filters are hidden on the pages' filter forms.
"""

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet, yes_no_filter
from edubureau.core.widgets import DateInput
from edubureau.org.models import Stage
from edubureau.people.models import GRADE_CHOICES

from . import symptoms as sym
from .models import (
    DIAGNOSIS_CHOICES,
    OPEN_ALERT_STATUSES,
    Alert,
    AlertStatus,
    ClassReport,
    ClusterRule,
    SchoolDayRollup,
    Session,
    SickCase,
    Source,
    StaffHealthReport,
)

SYMPTOM_CHOICES = [(name, name) for name in sym.SYMPTOMS]


def _school_filters():
    return (
        django_filters.CharFilter(field_name="school__code", label=_("学校标识码")),
        django_filters.NumberFilter(field_name="school_id", label=_("学校ID"), widget=forms.HiddenInput),
    )


def _date_filters(field="date"):
    return (
        django_filters.DateFilter(field_name=field, label=_("日期"), widget=DateInput),
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label=_("起始日期"), widget=DateInput),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label=_("截止日期"), widget=DateInput),
    )


def _class_filters(prefix="school_class"):
    return (
        django_filters.ChoiceFilter(field_name=f"{prefix}__grade", choices=GRADE_CHOICES, label=_("年级")),
        django_filters.NumberFilter(field_name=f"{prefix}__class_no", label=_("班号")),
        django_filters.NumberFilter(field_name=f"{prefix}_id", label=_("班级ID"), widget=forms.HiddenInput),
    )


class ClassReportFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "school__code")
    school, school_id = _school_filters()
    date, date_from, date_to = _date_filters()
    grade, class_no, school_class = _class_filters()
    stage = django_filters.ChoiceFilter(field_name="school__stage", choices=Stage.choices, label=_("学段"))
    session = django_filters.ChoiceFilter(choices=Session.choices, label=_("检查"))
    late = yes_no_filter(_("迟报"))
    zero_report = yes_no_filter(_("零报告"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("来源"))

    class Meta:
        model = ClassReport
        fields = []


class SymptomFilter(django_filters.ChoiceFilter):
    """Cases showing a symptom: a bitwise test on the stored mask."""

    def filter(self, qs, value):
        if not value:
            return qs
        bit = sym.BIT[value]
        return qs.alias(_bit=F("symptoms").bitand(bit)).filter(_bit=bit)


class SickCaseFilterSet(SearchFilterSet):
    search_fields = ("student__name", "school__name", "school__short_name", "diagnosis")
    school, school_id = _school_filters()
    date, date_from, date_to = _date_filters()
    grade, class_no, school_class = _class_filters()
    symptom = SymptomFilter(choices=SYMPTOM_CHOICES, label=_("症状"))
    diagnosis = django_filters.ChoiceFilter(choices=DIAGNOSIS_CHOICES, label=_("诊断"))
    seen_doctor = yes_no_filter(_("已就诊"))
    closed = yes_no_filter(_("已结案"))

    class Meta:
        model = SickCase
        fields = []


class StaffHealthReportFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "school__code")
    school, school_id = _school_filters()
    date, date_from, date_to = _date_filters()
    late = yes_no_filter(_("迟报"))

    class Meta:
        model = StaffHealthReport
        fields = []


class SchoolDayRollupFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "school__code")
    school, school_id = _school_filters()
    date, date_from, date_to = _date_filters()
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("学段"))

    class Meta:
        model = SchoolDayRollup
        fields = []


class AlertFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "school__code", "rule__name", "rule_code")
    school, school_id = _school_filters()
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices, label=_("类型"))
    level = django_filters.ChoiceFilter(choices=ClusterRule.Level.choices, label=_("层级"))
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("状态"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("未结束"), widget=forms.Select(
        choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]))  # fmt: skip
    rule = django_filters.CharFilter(field_name="rule_code", label=_("规则代码"))
    date = django_filters.DateFilter(method="filter_date", label=_("日期"), widget=DateInput)
    date_from = django_filters.DateFilter(
        field_name="last_date", lookup_expr="gte", label=_("起始日期"), widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="first_date", lookup_expr="lte", label=_("截止日期"), widget=DateInput
    )

    class Meta:
        model = Alert
        fields = []

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(status__in=OPEN_ALERT_STATUSES)
            if value
            else queryset.exclude(status__in=OPEN_ALERT_STATUSES)
        )

    def filter_date(self, queryset, name, value):
        """Alerts whose period covers the day."""
        return queryset.filter(first_date__lte=value, last_date__gte=value) if value else queryset
