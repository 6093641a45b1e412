import django_filters
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet, yes_no_filter

from .models import Campus, District, EduGroup, Nature, School, SchoolStatus, Stage, Zone


def _zones(request):
    # Only the zones the user can see are offered; without a request (scripts) all of them.
    return Zone.objects.for_user(request.user) if request is not None else Zone.objects.all()


def _groups(request):
    return EduGroup.objects.for_user(request.user) if request is not None else EduGroup.objects.all()


class SchoolFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "code", "address", "principal")
    code = django_filters.CharFilter(label=_("学校标识码"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("学段"))
    nature = django_filters.ChoiceFilter(choices=Nature.choices, label=_("办学性质"))
    status = django_filters.ChoiceFilter(choices=SchoolStatus.choices, label=_("状态"))
    zone = django_filters.ModelChoiceFilter(queryset=_zones, label=_("学区"), empty_label=_("全部"))
    group = django_filters.ModelChoiceFilter(queryset=_groups, label=_("教育集团"), empty_label=_("全部"))
    inclusive = yes_no_filter(_("普惠性"))
    existing_in = django_filters.NumberFilter(
        method="filter_existing_in", label=_("存续年份"), min_value=1900, max_value=2100
    )

    class Meta:
        model = School
        fields = ["q", "code", "stage", "nature", "status", "zone", "group", "inclusive", "existing_in"]

    def filter_existing_in(self, queryset, name, value):
        # Merged and closed schools that still existed during that year are included.
        return queryset.existing_in(int(value))


class ZoneFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("区县"), empty_label=_("全部"))
    school = django_filters.CharFilter(field_name="schools__code", label=_("成员学校标识码"), distinct=True)

    class Meta:
        model = Zone
        fields = ["q", "district", "school"]


class EduGroupFilterSet(SearchFilterSet):
    search_fields = ("name", "lead_school__name")
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("区县"), empty_label=_("全部"))
    lead_school = django_filters.CharFilter(field_name="lead_school__code", label=_("牵头学校标识码"))
    school = django_filters.CharFilter(field_name="schools__code", label=_("成员学校标识码"), distinct=True)

    class Meta:
        model = EduGroup
        fields = ["q", "district", "lead_school", "school"]


class CampusFilterSet(SearchFilterSet):
    search_fields = ("name", "address", "school__name")
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))

    class Meta:
        model = Campus
        fields = ["q", "school"]
