"""The audit log pages: change records and access records. Read only, for holders of module "audit".

There is no form, no POST handler and no delete here: these views answer GET only (405 otherwise),
and ChangeRecord refuses save() on an existing row and delete() anyway.
"""

import django_filters
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .filters import SearchFilterSet, yes_no_filter
from .masking import MASKERS, log_unmask, mask
from .models import SOURCES, AccessRecord, ChangeAction, ChangeRecord
from .scope import VIEW, scope_of

# Field names that hold personal data on any model without its own `sensitive_fields`.
SENSITIVE_NAMES = {
    "id_number": "id_number",
    "student_no": "id_number",
    "phone": "phone",
    "address": "address",
}


def plain_text(value) -> str:
    """A JSON value in reading form, never a Python repr: lists joined by 、, mappings as "key：value；…"."""
    if isinstance(value, dict):
        return "；".join(f"{key}：{plain_text(item)}" for key, item in value.items()) or "—"
    if isinstance(value, list | tuple):
        return "、".join(plain_text(item) for item in value) or "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    return "—" if value is None else str(value)


def sensitive_kind(model, field_name):
    """The mask kind for a field of `model`, or None if its values may be shown as they are."""
    declared = getattr(model, "sensitive_fields", None) or {}
    if field_name in declared:
        return declared[field_name]
    for suffix, kind in SENSITIVE_NAMES.items():
        if field_name == suffix or field_name.endswith("_" + suffix):
            return kind
    return None


class ChangeFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "user_name", "object_id")
    user = django_filters.CharFilter(
        field_name="user_name", lookup_expr="iexact", label=gettext_lazy("用户名")
    )
    model = django_filters.ChoiceFilter(method="filter_model", label=gettext_lazy("对象类型"))
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label=gettext_lazy("操作"))
    source = django_filters.ChoiceFilter(choices=SOURCES, label=gettext_lazy("来源"))
    since = django_filters.DateFilter(
        field_name="time", lookup_expr="date__gte", label=gettext_lazy("起始日期")
    )
    until = django_filters.DateFilter(
        field_name="time", lookup_expr="date__lte", label=gettext_lazy("截止日期")
    )
    request_id = django_filters.UUIDFilter(label=gettext_lazy("请求编号"))
    object = django_filters.CharFilter(method="filter_object", label=gettext_lazy("对象编号或名称"))

    class Meta:
        model = ChangeRecord
        fields = ["q", "user", "model", "action", "source", "since", "until", "request_id", "object"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = ChangeRecord.objects.order_by().values_list("content_type", flat=True).distinct()
        types = ContentType.objects.filter(pk__in=used)
        self.filters["model"].extra["choices"] = sorted(
            ((f"{ct.app_label}.{ct.model}", _type_label(ct)) for ct in types), key=lambda c: c[1]
        )

    def filter_model(self, queryset, name, value):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)

    def filter_object(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(object_id=value) | Q(object_repr__icontains=value))


class AccessFilterSet(SearchFilterSet):
    search_fields = ("what", "user_name")
    user = django_filters.CharFilter(
        field_name="user_name", lookup_expr="iexact", label=gettext_lazy("用户名")
    )
    kind = django_filters.ChoiceFilter(choices=AccessRecord.Kind.choices, label=gettext_lazy("类型"))
    unmasked = yes_no_filter(gettext_lazy("含未脱敏数据"))
    since = django_filters.DateFilter(
        field_name="time", lookup_expr="date__gte", label=gettext_lazy("起始日期")
    )
    until = django_filters.DateFilter(
        field_name="time", lookup_expr="date__lte", label=gettext_lazy("截止日期")
    )

    class Meta:
        model = AccessRecord
        fields = ["q", "user", "kind", "unmasked", "since", "until"]


def _type_label(ct):
    model = ct.model_class()
    return str(model._meta.verbose_name) if model else f"{ct.app_label}.{ct.model}"


class AuditView(LoginRequiredMixin, View):
    """GET only; 403 unless the user's role or department holds module "audit"."""

    http_method_names = ["get", "head", "options"]
    model = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope_of(request.user).allows("audit", VIEW):
            raise PermissionDenied(_("您没有查看审计日志的权限。"))
        return super().dispatch(request, *args, **kwargs)


class AuditListView(AuditView):
    filterset_class = None
    template_name = None
    title = ""
    paginate_by = 50
    related = ()

    def get(self, request):
        queryset = self.model.objects.all()
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        page = Paginator(queryset.select_related(*self.related), self.paginate_by).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            self.template_name,
            {
                "title": self.title,
                "filter_form": filterset.form,
                "page_obj": page,
                "breadcrumbs": [(self.title, None)],
            },
        )


class ChangeListView(AuditListView):
    model = ChangeRecord
    filterset_class = ChangeFilterSet
    template_name = "core/change_list.html"
    title = gettext_lazy("变更记录")
    related = ("content_type",)


class AccessListView(AuditListView):
    model = AccessRecord
    filterset_class = AccessFilterSet
    template_name = "core/access_list.html"
    title = gettext_lazy("访问记录")
    related = ()


class ChangeDetailView(AuditView):
    model = ChangeRecord

    def get(self, request, pk):
        record = get_object_or_404(ChangeRecord.objects.select_related("content_type", "user"), pk=pk)
        model = record.content_type.model_class()
        can_unmask = scope_of(request.user).can_unmask
        unmasked = can_unmask and request.GET.get("unmask") == "1"
        rows = [self.field_row(model, name, record, unmasked) for name in record.changed_fields]
        has_sensitive = any(row["sensitive"] for row in rows)
        if unmasked and has_sensitive:
            log_unmask(request, f"变更记录 #{record.pk}：{record.object_repr}", 1)
        return render(
            request,
            "core/change_detail.html",
            {
                "title": _("变更记录 #%(pk)s") % {"pk": record.pk},
                "record": record,
                "model_label": _type_label(record.content_type),
                "target_url": self.target_url(model, record),
                "rows": rows,
                "has_sensitive": has_sensitive,
                "can_unmask": can_unmask,
                "unmasked": unmasked,
                "breadcrumbs": [(_("变更记录"), reverse("core:change_list")), (f"#{record.pk}", None)],
            },
        )

    def field_row(self, model, name, record, unmasked):
        field = record.field_for(name)
        kind = sensitive_kind(field.model, field.name) if field else sensitive_kind(model, name)
        before = (record.before or {}).get(name)
        after = (record.after or {}).get(name)
        return {
            "name": name,
            "label": record.field_label(name),
            "before": self.shown(field, before, kind, unmasked),
            "after": self.shown(field, after, kind, unmasked),
            "in_before": record.before is not None and name in record.before,
            "in_after": record.after is not None and name in record.after,
            "sensitive": bool(kind),
        }

    @staticmethod
    def shown(field, value, kind, unmasked):
        if value is None or value == "":
            return "—"
        if kind in MASKERS:
            return mask(str(value), kind, unmasked)
        # A model says a structured value (JSON) in words: `change_text(name, value)`, None for the default.
        said = getattr(field.model, "change_text", None) if field is not None else None
        if said is not None and (text := said(field.name, value)) is not None:
            return text
        if isinstance(value, list | tuple | dict):
            return plain_text(value)
        if field is not None and field.choices:
            return dict(field.flatchoices).get(value, value)
        if field is not None and field.is_relation and field.related_model is not None:
            related = field.related_model._default_manager.filter(pk=value).first()
            return f"{related}（#{value}）" if related else f"#{value}"
        if isinstance(value, bool):
            return _("是") if value else _("否")
        return value

    @staticmethod
    def target_url(model, record):
        """The changed object's own page, when it still exists and has one."""
        if model is None or record.action == ChangeAction.DELETE or not hasattr(model, "get_absolute_url"):
            return None
        obj = model._default_manager.filter(pk=record.object_id).first()
        return obj.get_absolute_url() if obj else None
