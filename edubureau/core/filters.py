"""The base FilterSet: every model's FilterSet (shared by its list page, export and API) starts here."""

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

INTEGER_RANGE = [MinValueValidator(-(2**62)), MaxValueValidator(2**62)]


class SearchFilterSet(django_filters.FilterSet):
    """Adds `q`: a free-text search over `search_fields` (icontains, any field matches)."""

    search_fields = ()
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    def get_form_class(self):
        # A number filter given 10**30 must be a form error, not a database overflow (SQLite and
        # PostgreSQL integers are 64-bit).
        form = super().get_form_class()
        for field in form.base_fields.values():
            if isinstance(field, forms.DecimalField) and INTEGER_RANGE[1] not in field.validators:
                field.validators += INTEGER_RANGE
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


def yes_no_filter(label, **kwargs):
    """A yes/no filter whose empty choice reads 全部 (Django's default select offers 未知)."""
    choices = [("", _("全部")), ("true", _("是")), ("false", _("否"))]
    return django_filters.BooleanFilter(label=label, widget=forms.Select(choices=choices), **kwargs)
