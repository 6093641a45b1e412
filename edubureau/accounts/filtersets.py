import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet, yes_no_filter

from .models import Department, User
from .roles import Role


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "display_name", "phone")
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("角色"))
    org = django_filters.CharFilter(method="filter_org", label=_("所属单位"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("科室"), empty_label=_("全部"))
    is_active = yes_no_filter(_("启用"))

    class Meta:
        model = User
        fields = ["q", "role", "org", "department", "is_active"]

    def filter_org(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(org__code=value) | Q(org__name__icontains=value) | Q(org__short_name=value))


class DepartmentFilterSet(SearchFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Department
        fields = ["q"]
