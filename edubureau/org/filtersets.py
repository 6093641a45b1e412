import django_filters

from edubureau.core.filters import SearchFilterSet

from .models import Campus, EduGroup, Nature, School, SchoolStatus, Stage, Zone


class SchoolFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "code", "address", "principal")
    code = django_filters.CharFilter(label="学校标识码")
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label="学段")
    nature = django_filters.ChoiceFilter(choices=Nature.choices, label="办学性质")
    status = django_filters.ChoiceFilter(choices=SchoolStatus.choices, label="状态")
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label="学区")
    group = django_filters.ModelChoiceFilter(queryset=EduGroup.objects.all(), label="教育集团")
    existing_in = django_filters.NumberFilter(method="filter_existing_in", label="存续年份")

    class Meta:
        model = School
        fields = ["q", "code", "stage", "nature", "status", "zone", "group", "inclusive", "existing_in"]

    def filter_existing_in(self, queryset, name, value):
        return queryset.existing_in(int(value))


class ZoneFilterSet(SearchFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Zone
        fields = ["q"]


class EduGroupFilterSet(SearchFilterSet):
    search_fields = ("name", "lead_school__name")

    class Meta:
        model = EduGroup
        fields = ["q"]


class CampusFilterSet(SearchFilterSet):
    search_fields = ("name", "address", "school__name")
    school = django_filters.CharFilter(field_name="school__code", label="学校标识码")

    class Meta:
        model = Campus
        fields = ["q", "school"]
