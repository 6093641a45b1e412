"""FilterSets of allocation runs, placements and appeals."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet

from ..models import (
    AllocationRun,
    Appeal,
    AppealStatus,
    Mechanism,
    Placement,
    PlacementReason,
)
from .campaigns import campaign_filter


class AllocationRunFilterSet(SearchFilterSet):
    search_fields = ("campaign__name", "inputs_hash")
    campaign = campaign_filter()
    year = django_filters.NumberFilter(field_name="campaign__year", label=_("招生年份"))
    mechanism = django_filters.ChoiceFilter(choices=Mechanism.choices, label=_("分配机制"))

    class Meta:
        model = AllocationRun
        fields = ["q", "campaign", "year", "mechanism"]


class PlacementFilterSet(SearchFilterSet):
    search_fields = ("application__number", "application__child_name", "school__name")
    run = django_filters.NumberFilter(field_name="run_id", label=_("分配批次"))
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))
    reason = django_filters.ChoiceFilter(choices=PlacementReason.choices, label=_("录取方式"))
    class_no = django_filters.NumberFilter(label=_("班号"))
    number = django_filters.CharFilter(field_name="application__number", label=_("报名编号"))

    class Meta:
        model = Placement
        fields = ["q", "run", "school", "reason", "class_no", "number"]


class AppealFilterSet(SearchFilterSet):
    search_fields = ("application__number", "application__child_name", "content", "reply")
    status = django_filters.ChoiceFilter(choices=AppealStatus.choices, label=_("处理状态"))
    kind = django_filters.ChoiceFilter(choices=[("申诉", _("申诉")), ("投诉", _("投诉"))], label=_("类型"))
    number = django_filters.CharFilter(field_name="application__number", label=_("报名编号"))
    campaign = django_filters.NumberFilter(
        field_name="application__campaign_id", label=_("招生工作"), widget=forms.HiddenInput
    )

    class Meta:
        model = Appeal
        fields = ["q", "status", "kind", "number", "campaign"]
