from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from edubureau.core.scope import ADD, CHANGE, DELETE, EXPORT, VIEW, scope_of
from edubureau.core.tables import Column
from edubureau.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import forms, services
from .filtersets import EduGroupFilterSet, SchoolFilterSet, ZoneFilterSet
from .models import Campus, District, EduGroup, School, Zone


def district_level(user, action: str = CHANGE) -> bool:
    """Bureau users who act on the whole district's unit tree: the admin, a department granted org."""
    return scope_of(user).bureau_may("org", action)


def is_bureau_admin(user) -> bool:
    # The district record itself (code, name) is the system administrator's alone. org sits below
    # accounts, so the role is compared by its stored value rather than imported.
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "role", "") == "admin")
    )


def member_count(attr):
    """Running member schools of a zone or group, as an annotation (a subquery: scope joins stay out)."""
    members = (
        School.objects.filter(**{attr: OuterRef("pk")})
        .exclude(status__in=services.ENDED)
        .order_by()
        .values(attr)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members), 0)


def member_rows(user, schools):
    """(school, may open its page) pairs: names of fellow schools are public, their pages are not."""
    schools = list(schools)
    visible = set(
        School.objects.for_user(user).filter(pk__in=[s.pk for s in schools]).values_list("pk", flat=True)
    )
    return [(s, s.pk in visible) for s in schools]


# ---------------------------------------------------------------- schools

SCHOOL_COLUMNS = (
    Column("code", gettext_lazy("学校标识码"), sort="code", link=True),
    Column("name", gettext_lazy("学校名称"), sort="name", link=True),
    Column("stage", gettext_lazy("学段"), sort="stage"),
    Column("nature", gettext_lazy("办学性质"), sort="nature"),
    Column("zone.name", gettext_lazy("学区"), sort="zone__name"),
    Column("group.name", gettext_lazy("教育集团"), sort="group__name"),
    Column("principal", gettext_lazy("校长")),
    Column("phone", gettext_lazy("联系电话")),
    Column("status", gettext_lazy("状态"), sort="status"),
    Column("closed_on", gettext_lazy("停办日期"), sort="closed_on"),
)


class SchoolListView(ObjectListView):
    model = School
    filterset_class = SchoolFilterSet
    columns = SCHOOL_COLUMNS
    select_related = ("zone", "group")
    add_url_name = "org:school_add"
    import_url_name = "core:import_new_schools"


class SchoolDetailView(ObjectDetailView):
    model = School
    template_name = "org/school_detail.html"

    def list_url(self):
        return reverse("org:school_list")

    def extra_context(self, obj, unmasked):
        user = self.request.user
        chain, school = [], obj
        while school.successor_id and len(chain) < 20:  # the bound guards against a loop made by hand
            school = school.successor
            chain.append(school)
        events = (
            (obj.events_as_source.all() | obj.events_as_result.all())
            .distinct()
            .prefetch_related("sources", "results")
        )
        return {
            "campuses": obj.campuses.all(),
            "counts": services.people_counts(obj, user),
            "predecessors": member_rows(user, obj.predecessors.all()),
            "successors": member_rows(user, chain),
            "events": events,
            "can_add_campus": self.module_allows(ADD),
            "can_history": district_level(user),
            "ended": obj.status in services.ENDED,
        }


class SchoolEditView(ObjectEditView):
    model = School
    form_class = forms.SchoolForm

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        if not district_level(self.request.user):
            forms.lock_registry_fields(form)
        return form


class SchoolHistoryView(LoginRequiredMixin, View):
    """学校沿革: merge, close, move and rename, for the bureau's org administrators."""

    template_name = "org/school_history.html"
    form_classes = {
        "merge": forms.MergeForm,
        "close": forms.CloseForm,
        "move": forms.MoveForm,
        "rename": forms.RenameForm,
    }

    def get_school(self, pk):
        school = get_object_or_404(School.objects.for_user(self.request.user), pk=pk)
        if not district_level(self.request.user):
            raise PermissionDenied(_("只有区教育局的学校库管理人员可以办理学校沿革。"))
        return school

    def get(self, request, pk):
        school = self.get_school(pk)
        return self.render(school, {name: cls(school) for name, cls in self.form_classes.items()})

    def post(self, request, pk):
        school = self.get_school(pk)
        action = request.POST.get("action")
        if action not in self.form_classes:
            raise PermissionDenied(_("未知的操作。"))
        form = self.form_classes[action](school, request.POST)
        if form.is_valid():
            try:
                message = getattr(self, action)(school, form.cleaned_data)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, message)
                return redirect(school.get_absolute_url())
        all_forms = {name: cls(school) for name, cls in self.form_classes.items()}
        all_forms[action] = form
        return self.render(school, all_forms, status=400)

    def merge(self, school, data):
        sources = [school, *[s for s in data["others"] if s.pk != school.pk]]
        outcome = services.merge_schools(sources, data["into"], data["date"], data["description"])
        names = "、".join(s.name for s in sources)
        return (
            _("已将%(names)s并入%(into)s。") % {"names": names, "into": data["into"].name}
            + outcome.leftover_message()
        )

    def close(self, school, data):
        outcome = services.close_school(school, data["date"], data["successor"], data["description"])
        return _("已撤销%(name)s。") % {"name": school.name} + outcome.leftover_message()

    def move(self, school, data):
        services.move_school(school, data["address"], data["date"], data["description"])
        return _("已登记迁址：%(name)s迁至%(address)s。") % {"name": school.name, "address": school.address}

    def rename(self, school, data):
        old = school.name
        services.rename_school(
            school,
            data["name"],
            data["date"],
            short_name=data["short_name"] or None,
            description=data["description"],
        )
        return _("已登记更名：%(old)s更名为%(new)s。") % {"old": old, "new": school.name}

    def render(self, school, history_forms, status=200):
        events = (school.events_as_source.all() | school.events_as_result.all()).distinct()
        context = {
            "object": school,
            "forms": history_forms,
            "events": events.prefetch_related("sources", "results"),
            "ended": school.status in services.ENDED,
            "title": _("学校沿革"),
            "breadcrumbs": [
                (School._meta.verbose_name_plural, reverse("org:school_list")),
                (str(school), school.get_absolute_url()),
                (_("学校沿革"), None),
            ],
        }
        return render(self.request, self.template_name, context, status=status)


# ---------------------------------------------------------------- campuses


class CampusEditView(ObjectEditView):
    model = Campus
    form_class = forms.CampusForm
    template_name = "org/campus_form.html"

    def get_object(self, pk):
        if pk is None:
            if not self.module_allows(ADD):
                raise PermissionDenied(_("您没有新增该数据的权限。"))
            school = get_object_or_404(
                School.objects.for_user(self.request.user, ADD), pk=self.kwargs["school_pk"]
            )
            return Campus(school=school)
        return super().get_object(pk)

    def get(self, request, pk=None, school_pk=None):
        return super().get(request, pk)

    def post(self, request, pk=None, school_pk=None):
        return super().post(request, pk)


class CampusDeleteView(ObjectDeleteView):
    model = Campus

    def post(self, request, pk):
        campus = get_object_or_404(self.get_queryset(DELETE), pk=pk)
        self.success_url_name = campus.school.get_absolute_url()  # redirect() takes a URL as well
        return super().post(request, pk)


# ---------------------------------------------------------------- 学区 and 教育集团


class ZoneListView(ObjectListView):
    model = Zone
    filterset_class = ZoneFilterSet
    columns = (
        Column("name", gettext_lazy("学区名称"), sort="name", link=True),
        Column("district.name", gettext_lazy("区县")),
        Column("school_count", gettext_lazy("办学中学校数"), sort="school_count"),
        Column("description", gettext_lazy("说明")),
    )
    select_related = ("district",)
    add_url_name = "org:zone_add"

    def get_queryset(self, action=None):
        return super().get_queryset(action).annotate(school_count=member_count("zone"))


class ZoneDetailView(ObjectDetailView):
    model = Zone
    template_name = "org/zone_detail.html"

    def list_url(self):
        return reverse("org:zone_list")

    def extra_context(self, obj, unmasked):
        schools = obj.schools.select_related("group").order_by("status", "code")
        return {"schools": member_rows(self.request.user, schools)}


class MembersEditView(ObjectEditView):
    """A 学区 or 教育集团 with its member schools."""

    def save(self, form, creating, before):
        obj = super().save(form, creating, before)
        services.set_members(obj, form.cleaned_data["members"])
        return obj


class ZoneEditView(MembersEditView):
    model = Zone
    form_class = forms.ZoneForm


class EduGroupListView(ObjectListView):
    model = EduGroup
    filterset_class = EduGroupFilterSet
    columns = (
        Column("name", gettext_lazy("集团名称"), sort="name", link=True),
        Column("lead_school.name", gettext_lazy("牵头学校"), sort="lead_school__name"),
        Column("school_count", gettext_lazy("办学中成员校数"), sort="school_count"),
        Column("founded_on", gettext_lazy("成立日期"), sort="founded_on"),
        Column("district.name", gettext_lazy("区县")),
    )
    select_related = ("district", "lead_school")
    add_url_name = "org:group_add"

    def get_queryset(self, action=None):
        return super().get_queryset(action).annotate(school_count=member_count("group"))


class EduGroupDetailView(ObjectDetailView):
    model = EduGroup
    template_name = "org/group_detail.html"

    def list_url(self):
        return reverse("org:group_list")

    def extra_context(self, obj, unmasked):
        schools = obj.schools.select_related("zone").order_by("status", "code")
        lead = member_rows(self.request.user, [obj.lead_school]) if obj.lead_school_id else []
        return {"schools": member_rows(self.request.user, schools), "lead": lead[0] if lead else None}


class EduGroupEditView(MembersEditView):
    model = EduGroup
    form_class = forms.EduGroupForm


# ---------------------------------------------------------------- the district


class DistrictMixin:
    """District has no school to scope by: anyone who sees the unit tree sees it; only the admin edits."""

    model = District

    def module_allows(self, action):
        if action in (VIEW, EXPORT):
            return scope_of(self.request.user).allows("org", action)
        return is_bureau_admin(self.request.user)

    def get_queryset(self, action=None):
        if not self.module_allows(action or self.action):
            raise PermissionDenied(_("只有系统管理员可以修改区县信息。"))
        return District.objects.all()


class DistrictDetailView(DistrictMixin, ObjectDetailView):
    template_name = "org/district_detail.html"

    def list_url(self):
        return reverse("org:school_list")

    def extra_context(self, obj, unmasked):
        by_status = obj.schools.order_by().values_list("status").annotate(n=Count("pk")).order_by("status")
        return {
            "zones": obj.zones.annotate(school_count=member_count("zone")),
            "groups": obj.groups.select_related("lead_school").annotate(school_count=member_count("group")),
            "by_status": list(by_status),
        }


class DistrictEditView(DistrictMixin, ObjectEditView):
    form_class = forms.DistrictForm
