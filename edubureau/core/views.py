"""Generic scoped views: every domain app's list/detail/edit pages are thin subclasses of these.

Scope is applied by `Model.objects.for_user(user, action)`; the views never filter by hand.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from . import changelog
from .exports import xlsx_response
from .masking import MaskedFormMixin, form_unmask_context, log_access, log_unmask, unmask_requested
from .models import AccessRecord
from .scope import ADD, CHANGE, DELETE, DENIED, EXPORT, IMPORT, VIEW, scope_of
from .tables import rows


def describe_filters(form) -> str:
    """The filters a list was narrowed by, in words for the access log: 学段=小学；关键字=刘."""
    if not form.is_bound or not form.is_valid():
        return "全部"
    parts = [
        f"{form.fields[name].label}={value}"
        for name, value in form.cleaned_data.items()
        if value not in (None, "", [], ())
    ]
    return "；".join(parts) or "全部"


def scope_form_choices(form, user):
    """Narrow every choice of a related, scoped object to what the user may use."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "for_user"):
            field.queryset = queryset.for_user(user)


class ScopedMixin(LoginRequiredMixin):
    model = None
    action = VIEW

    def get_queryset(self, action=None):
        """The rows of the user's units; 403 (not an empty list) when the user may not do this at all."""
        action = action or self.action
        self.require(action)
        return self.model.objects.for_user(self.request.user, action)

    def module_allows(self, action):
        return scope_of(self.request.user).permits(self.model, action)

    def require(self, action):
        if not self.module_allows(action):
            raise PermissionDenied(DENIED[action])

    def base_context(self, **extra):
        opts = self.model._meta
        return {
            "opts": opts,
            "title": opts.verbose_name_plural,
            "can_change": self.module_allows(CHANGE),
            "can_delete": self.module_allows(DELETE),
            "can_export": self.module_allows(EXPORT),
            "can_unmask": scope_of(self.request.user).can_unmask,
            **extra,
        }

    add_url_name = None


class ObjectListView(ScopedMixin, View):
    """Search, filter, sort, paginate, and the same rows as .xlsx when export=True."""

    filterset_class = None
    columns = ()
    template_name = "core/object_list.html"
    paginate_by = 50
    export = False
    export_name = None
    import_url_name = None
    select_related = ()

    def get(self, request):
        queryset = self.get_queryset(EXPORT if self.export else VIEW).select_related(*self.select_related)
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        sort = self.sort_key()
        if sort:
            queryset = queryset.order_by(sort, "pk")
        if self.export:
            return self.export_xlsx(queryset, filterset.form)
        unmasked = self.unmask_requested()
        page = Paginator(queryset, self.paginate_by).get_page(request.GET.get("page"))
        links = [c.link for c in self.columns]
        if unmasked:
            log_unmask(request, f"{self.model._meta.verbose_name_plural}列表", len(page))
        context = self.base_context(
            filter_form=filterset.form,
            columns=self.columns,
            page_obj=page,
            rows=[
                (obj, list(zip(row, links, strict=True)))
                for obj, row in zip(page, rows(self.columns, page, unmasked), strict=True)
            ],
            sort=request.GET.get("sort", ""),
            unmasked=unmasked,
            has_sensitive=any(c.mask for c in self.columns),
            export_url=request.path + "export/" if self.module_allows(EXPORT) else None,
            import_url=reverse(self.import_url_name) if self.import_url_name and self.module_allows(IMPORT) else None,
            add_url=reverse(self.add_url_name) if self.add_url_name and self.module_allows(ADD) else None,
        )
        return render(request, self.template_name, context)

    def sort_key(self):
        wanted = self.request.GET.get("sort", "")
        allowed = {c.sort for c in self.columns if c.sort}
        return wanted if wanted.lstrip("-") in allowed else None

    def unmask_requested(self):
        return unmask_requested(self.request)

    def export_xlsx(self, queryset, filter_form):
        unmasked = scope_of(self.request.user).can_unmask
        headers = [str(c.label) for c in self.columns]
        count = queryset.count()
        log_access(
            self.request, AccessRecord.Kind.EXPORT, f"{self.model._meta.verbose_name_plural}：{describe_filters(filter_form)}",
            count, unmasked,
        )  # fmt: skip
        name = self.export_name or str(self.model._meta.verbose_name_plural)
        filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(filename, name, headers, rows(self.columns, queryset.iterator(2000), unmasked))


class ObjectDetailView(ScopedMixin, View):
    template_name = None
    fields = ()  # (label, value path, mask kind or None) for the generic detail table

    def get_object(self, pk, action=VIEW):
        return get_object_or_404(self.get_queryset(action), pk=pk)

    def get(self, request, pk):
        obj = self.get_object(pk)
        unmasked = unmask_requested(request)
        if unmasked:
            log_unmask(request, f"{obj._meta.verbose_name}：{obj}", 1)
        context = self.base_context(
            object=obj,
            unmasked=unmasked,
            history=changelog.history(obj)[:50] if scope_of(request.user).allows("audit") or self.module_allows(CHANGE) else [],
            breadcrumbs=self.breadcrumbs(obj),
            **self.extra_context(obj, unmasked),
        )
        return render(request, self.template_name, context)

    def breadcrumbs(self, obj):
        return [(obj._meta.verbose_name_plural, self.list_url()), (str(obj), None)]

    def list_url(self):
        return None

    def extra_context(self, obj, unmasked):
        return {}


class ObjectEditView(ScopedMixin, View):
    """Create (pk=None) or update an object through a ModelForm; logged; scope re-checked after saving.

    A form with core.masking.MaskedFormMixin shows stored sensitive values masked, unless the user may
    unmask and asked to (?unmask=1, the page's 查看完整信息 action, written to the access log).
    """

    form_class = None
    template_name = "core/object_form.html"

    def get_object(self, pk):
        if pk is None:
            self.require(ADD)
            return self.model()
        return get_object_or_404(self.get_queryset(CHANGE), pk=pk)

    def get_form(self, obj, data=None):
        form = self.form_class(data, instance=obj, **self.masking_kwargs(self.form_class))
        scope_form_choices(form, self.request.user)
        return form

    def masking_kwargs(self, form_class):
        """`unmasked=` for a form that masks its sensitive fields."""
        if issubclass(form_class, MaskedFormMixin):
            return {"unmasked": unmask_requested(self.request)}
        return {}

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        creating = obj.pk is None
        before = None if creating else changelog.snapshot(obj)
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            return self.render_form(obj, form)
        with transaction.atomic():
            obj = self.save(form, creating, before)
            # Re-check inside the transaction: the edit must not move the object out of the user's scope.
            if not self.get_queryset(ADD if creating else CHANGE).filter(pk=obj.pk).exists():
                transaction.set_rollback(True)
                raise PermissionDenied(_("不能把数据改到您的管理范围之外。"))
        messages.success(request, _("已保存：%(obj)s") % {"obj": obj})
        return redirect(obj.get_absolute_url())

    def save(self, form, creating, before):
        obj = form.save(commit=False)
        if creating:
            obj.save()
            form.save_m2m()
            changelog.log_create(obj)
        else:
            obj.save()
            form.save_m2m()
            changelog.log_update(obj, before)
        return obj

    def render_form(self, obj, form, status=200):
        opts = self.model._meta
        title = _("编辑%(name)s") % {"name": opts.verbose_name} if obj.pk else _("新增%(name)s") % {"name": opts.verbose_name}
        context = self.base_context(
            object=obj, form=form, title=title, breadcrumbs=[(opts.verbose_name_plural, None), (title, None)],
            **form_unmask_context(self.request, form, title, obj),
        )  # fmt: skip
        return render(self.request, self.template_name, context, status=status)


class ObjectDeleteView(ScopedMixin, View):
    template_name = "core/object_confirm_delete.html"
    success_url_name = None

    def get_object(self, pk):
        return get_object_or_404(self.get_queryset(DELETE), pk=pk)

    def get(self, request, pk):
        return render(request, self.template_name, self.base_context(object=self.get_object(pk)))

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            with transaction.atomic():
                changelog.delete(obj)
        except ProtectedError:
            messages.error(request, _("“%(obj)s”仍被其他数据引用，不能删除。请先处理相关数据。") % {"obj": obj})
            return redirect(obj.get_absolute_url())
        messages.success(request, _("已删除：%(obj)s") % {"obj": obj})
        return redirect(self.success_url_name)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
