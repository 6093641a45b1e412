import django_filters
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet

from .models import Kind, Notification


class NotificationFilterSet(SearchFilterSet):
    search_fields = ("title", "body")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Kind.choices)
    unread = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("1", _("未读")), ("0", _("已读"))], method="filter_unread"
    )

    class Meta:
        model = Notification
        fields = ["q", "kind", "unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "1")
