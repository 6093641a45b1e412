"""录取分配 pages: run the engine (DA or IA, explained), the runs and their statistics, class
formation, publication, the per-school admitted lists, printable notices, appeals."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core.ids import parse_id
from edubureau.core.scope import CHANGE, VIEW, scope_of
from edubureau.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin

from ..filtersets import AllocationRunFilterSet, AppealFilterSet, PlacementFilterSet
from ..forms import AnswerForm, AppealForm, RunForm
from ..models import AllocationRun, Appeal, Application, Campaign, Placement, SchoolPlan
from ..services import allocation
from ..tables import ALLOCATION_RUN_COLUMNS, APPEAL_COLUMNS, PLACEMENT_COLUMNS


def _fail(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class AllocationView(ScopedMixin, View):
    """The allocation page of a campaign: what DA and IA mean, the run form, the runs so far."""

    model = AllocationRun

    def campaign(self, request):
        campaigns = Campaign.objects.for_user(request.user)
        wanted = request.GET.get("campaign") or request.POST.get("campaign")
        if not wanted:
            return campaigns.order_by("-year").first()
        return get_object_or_404(campaigns, pk=parse_id(wanted))  # ?campaign=abc: 404

    def get(self, request, form=None):
        self.require(VIEW)
        campaign = self.campaign(request)
        runs = (
            AllocationRun.objects.for_user(request.user)
            .filter(campaign=campaign)
            .select_related("created_by")[:20]
        )
        return render(request, "admissions/allocation.html", {
            "title": _("录取分配"), "campaign": campaign, "runs": runs,
            "campaigns": Campaign.objects.for_user(request.user),
            "form": form or RunForm(initial={"campaign": campaign.pk if campaign else None}),
            "is_bureau": self.module_allows(CHANGE),
        })  # fmt: skip

    def post(self, request):
        self.require(CHANGE)
        form = RunForm(request.POST)
        if not form.is_valid():
            return self.get(request, form)
        try:
            run = allocation.run_allocation(
                form.cleaned_data["campaign"], form.cleaned_data["mechanism"], request.user
            )
        except ValidationError as e:
            _fail(request, e)
            return redirect(
                reverse("admissions:allocation") + f"?campaign={form.cleaned_data['campaign'].pk}"
            )
        messages.success(
            request,
            _("分配完成：录取 %(placed)s 人，未录取 %(unplaced)s 人。")
            % {"placed": run.placed, "unplaced": run.unplaced},
        )
        return redirect(run.get_absolute_url())


class AllocationRunListView(ObjectListView):
    model = AllocationRun
    filterset_class = AllocationRunFilterSet
    columns = ALLOCATION_RUN_COLUMNS
    select_related = ("campaign", "created_by")
    export_name = "分配批次"


class AllocationRunDetailView(ObjectDetailView):
    model = AllocationRun
    template_name = "admissions/allocation_run_detail.html"

    def list_url(self):
        return reverse("admissions:allocation_run_list")

    def extra_context(self, obj, unmasked):
        user = self.request.user
        visible = set(
            Placement.objects.for_user(user).filter(run=obj).values_list("school_id", flat=True).distinct()
        )
        plans = {p.school_id: p for p in SchoolPlan.objects.filter(campaign=obj.campaign)}
        classes = {}
        for school_id, class_no in Placement.objects.filter(run=obj, class_no__isnull=False).values_list(
            "school_id", "class_no"
        ):
            classes.setdefault(school_id, set()).add(class_no)
        schools = [
            {
                **row,
                "classes": len(classes.get(row["id"], ())),
                "planned": plans[row["id"]].planned_classes if row["id"] in plans else None,
            }
            for row in obj.stats.get("schools", [])
            if scope_of(user).all_units or row["id"] in visible
        ]
        return {
            "schools": schools, "stats": obj.stats, "is_bureau": self.module_allows(CHANGE),
            "by_reason": list(obj.stats.get("by_reason", {}).items()),
            "reason_chart": {
                "tooltip": {"trigger": "item"},
                "series": [{"type": "pie", "radius": ["40%", "70%"],
                            "data": [{"name": k, "value": v} for k, v in obj.stats.get("by_reason", {}).items() if v]}],
            },  # fmt: skip
            "first_choice_pct": round(100 * obj.stats["first_choice_rate"], 1) if obj.stats.get("first_choice_rate") is not None else None,
        }  # fmt: skip


class RunActionView(ScopedMixin, View):
    """POST: 编班 (form classes) for one school or all, or 公布 (publish) the run."""

    model = AllocationRun
    verb = None

    def post(self, request, pk):
        self.require(CHANGE)
        run = get_object_or_404(AllocationRun.objects.for_user(request.user, CHANGE), pk=pk)
        try:
            if self.verb == "publish":
                allocation.publish(run, request.user)
                messages.success(request, _("已公布录取结果。"))
            else:
                code = request.POST.get("school", "")
                plans = SchoolPlan.objects.filter(campaign=run.campaign).select_related("school")
                if code:
                    plans = plans.filter(school__code=code)
                done = sum(allocation.form_classes(run, plan.school) for plan in plans)
                messages.success(request, _("已编班：%(n)s 人。") % {"n": done})
        except ValidationError as e:
            _fail(request, e)
        return redirect(run.get_absolute_url())


class PlacementListView(ObjectListView):
    """录取名单: filter by run and school for a school's admitted list; the export is the .xlsx."""

    model = Placement
    filterset_class = PlacementFilterSet
    columns = PLACEMENT_COLUMNS
    select_related = ("application", "school", "run")
    export_name = "录取名单"


class PlacementNoticeView(ObjectDetailView):
    """入学通知书: one family's printable notice."""

    model = Placement
    template_name = "admissions/placement_notice.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("application", "school", "run__campaign")

    def extra_context(self, obj, unmasked):
        return {
            "notices": [obj],
            "plan": SchoolPlan.objects.filter(campaign=obj.run.campaign, school=obj.school).first(),
        }


class SchoolNoticesView(ScopedMixin, View):
    """All notices of one school in one run, one per printed page."""

    model = AllocationRun

    def get(self, request, pk):
        self.require(VIEW)
        run = get_object_or_404(AllocationRun.objects.for_user(request.user), pk=pk)
        notices = Placement.objects.for_user(request.user).filter(run=run, school__isnull=False)
        code = request.GET.get("school")
        if code:
            notices = notices.filter(school__code=code)
        notices = notices.select_related("application", "school", "run__campaign").order_by(
            "school__code", "class_no", "application__number"
        )
        return render(
            request,
            "admissions/placement_notice.html",
            {"notices": notices[:2000], "object": run, "title": _("入学通知书")},
        )


class AppealListView(ObjectListView):
    model = Appeal
    filterset_class = AppealFilterSet
    columns = APPEAL_COLUMNS
    select_related = ("application",)
    export_name = "申诉投诉"


class AppealAddView(ScopedMixin, View):
    """Record an appeal or complaint on an application the user may see."""

    model = Appeal

    def get(self, request, pk, form=None):
        self.require(CHANGE)
        application = get_object_or_404(Application.objects.for_user(request.user), pk=pk)
        title = _("登记申诉投诉：%(app)s") % {"app": application}
        return render(request, "core/object_form.html", {
            "form": form or AppealForm(), "title": title, "object": application,
            "breadcrumbs": [(_("申诉投诉"), reverse("admissions:appeal_list")), (title, None)],
        })  # fmt: skip

    def post(self, request, pk):
        self.require(CHANGE)
        application = get_object_or_404(Application.objects.for_user(request.user), pk=pk)
        form = AppealForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form)
        try:
            allocation.file_appeal(
                application, form.cleaned_data["content"], form.cleaned_data["kind"], request.user
            )
        except ValidationError as e:
            form.add_error(None, e.messages)
            return self.get(request, pk, form)
        messages.success(request, _("已登记申诉/投诉。"))
        return redirect("admissions:appeal_list")


class AppealAnswerView(ObjectEditView):
    """The bureau's answer to an appeal: 已支持 / 不予支持 with a reply (the form requires both)."""

    model = Appeal
    form_class = AnswerForm

    def get_object(self, pk):
        return super().get_object(pk)

    def save(self, form, creating, before):
        fresh = Appeal.objects.get(pk=form.instance.pk)  # the form already changed its instance
        return allocation.answer_appeal(
            fresh, form.cleaned_data["status"], form.cleaned_data["reply"], self.request.user
        )
