"""One FilterSet per model, shared by the list pages, their .xlsx exports and the API.
Schools by 学校标识码 (`school`) as well as by id; school years by their start year."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet
from edubureau.org.models import Stage

from .models import Indicator, IndicatorOverride, Part, ReportStatus, ResourceReport
from .workflow import COMPULSORY_PARTS

COMPULSORY_STAGES = [(s, Stage(s).label) for s in COMPULSORY_PARTS]


class ResourceReportFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "school__code")
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))
    school_id = django_filters.NumberFilter(
        field_name="school_id", label=_("学校ID"), widget=forms.HiddenInput
    )
    school_year = django_filters.NumberFilter(
        field_name="school_year__start_year", label=_("学年（起始年份）")
    )
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("状态"))
    stage = django_filters.ChoiceFilter(
        field_name="school__stage", choices=COMPULSORY_STAGES, label=_("学段")
    )

    class Meta:
        model = ResourceReport
        fields = ["q", "school", "school_id", "school_year", "status", "stage"]


class IndicatorOverrideFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "school__code", "reason")
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))
    school_id = django_filters.NumberFilter(
        field_name="school_id", label=_("学校ID"), widget=forms.HiddenInput
    )
    school_year = django_filters.NumberFilter(
        field_name="school_year__start_year", label=_("学年（起始年份）")
    )
    part = django_filters.ChoiceFilter(choices=Part.choices, label=_("学段"))
    indicator = django_filters.ChoiceFilter(choices=Indicator.choices, label=_("指标"))

    class Meta:
        model = IndicatorOverride
        fields = ["q", "school", "school_id", "school_year", "part", "indicator"]
