"""Campaigns, their stages (opened and closed by the bureau) and the 招生计划 (places per school)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core import changelog
from edubureau.core.scope import ADD, CHANGE
from edubureau.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin

from ..filtersets import CampaignFilterSet, SchoolPlanFilterSet
from ..forms import CampaignForm, PlanForm, StageForm, TiersForm, add_service_errors
from ..models import Application, ApplicationStatus, Campaign, CampaignStage, Draw, SchoolPlan
from ..services import applications, campaigns
from ..tables import CAMPAIGN_COLUMNS, PLAN_COLUMNS


class CampaignListView(ObjectListView):
    model = Campaign
    filterset_class = CampaignFilterSet
    columns = CAMPAIGN_COLUMNS
    add_url_name = "admissions:campaign_add"

    def get_queryset(self, action=None):
        return (
            super()
            .get_queryset(action)
            .annotate(n_applications=Count("applications"))
            .order_by("-year", "entry_grade")
            .prefetch_related("stages")
        )


class CampaignDetailView(ObjectDetailView):
    model = Campaign
    template_name = "admissions/campaign_detail.html"

    def list_url(self):
        return reverse("admissions:campaign_list")

    def extra_context(self, obj, unmasked):
        user = self.request.user
        applications = Application.objects.for_user(user).filter(campaign=obj)
        by_status = dict(applications.values_list("status").annotate(n=Count("pk")))
        plans = SchoolPlan.objects.for_user(user).filter(campaign=obj).select_related("school")
        return {
            "stages": obj.stages.select_related("opened_by", "closed_by"),
            "tiers": obj.tiers.all(),
            "counts": [(label, by_status.get(value, 0)) for value, label in ApplicationStatus.choices],
            "n_applications": sum(by_status.values()),
            "n_schools": len(plans),
            "places": sum(p.places for p in plans),
            "draws": Draw.objects.for_user(user).filter(campaign=obj).select_related("school"),
            "tiebreak": Draw.objects.filter(campaign=obj, school=None).first(),
            "is_bureau": self.module_allows(CHANGE),
            "can_register": self.module_allows(ADD),
        }


class CampaignEditView(ObjectEditView):
    model = Campaign
    form_class = CampaignForm

    def get_object(self, pk):
        return super().get_object(pk)

    def save(self, form, creating, before):
        if not creating:
            obj = form.save(commit=False)
            obj.documents = form.cleaned_data["documents_text"]
            return changelog.update(obj, before)
        data = form.cleaned_data
        return campaigns.create_campaign(
            year=data["year"], entry_grade=data["entry_grade"], name=data["name"], class_size=data["class_size"],
            birth_from=data["birth_from"], birth_to=data["birth_to"],
            max_private_choices=data["max_private_choices"], max_public_choices=data["max_public_choices"],
        )  # fmt: skip

    def post(self, request, pk=None):
        try:
            return super().post(request, pk)
        except ValidationError as e:
            obj = self.get_object(pk)
            form = self.get_form(obj, request.POST)
            form.is_valid()
            add_service_errors(form, e)
            return self.render_form(obj, form)


class StageEditView(ObjectEditView):
    """The planned dates of a stage."""

    model = CampaignStage
    form_class = StageForm

    def get_object(self, pk):
        return super().get_object(pk)


class StageActionView(ScopedMixin, View):
    """POST: the bureau opens or closes a stage."""

    model = CampaignStage
    action = CHANGE
    verb = "open"

    def post(self, request, pk):
        self.require(CHANGE)
        stage = get_object_or_404(self.get_queryset(CHANGE).select_related("campaign"), pk=pk)
        act = campaigns.open_stage if self.verb == "open" else campaigns.close_stage
        try:
            act(stage.campaign, stage.kind, request.user)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            done = _("已开启") if self.verb == "open" else _("已关闭")
            messages.success(request, f"{stage.get_kind_display()}：{done}")
        return redirect(stage.campaign.get_absolute_url())


class PlanListView(ObjectListView):
    model = SchoolPlan
    filterset_class = SchoolPlanFilterSet
    columns = PLAN_COLUMNS
    select_related = ("school", "campaign")
    add_url_name = "admissions:plan_add"
    export_name = "招生计划"

    def get_queryset(self, action=None):
        return campaigns.plans_with_demand(super().get_queryset(action))


class PlanEditView(ObjectEditView):
    model = SchoolPlan
    form_class = PlanForm

    def get_object(self, pk):
        return super().get_object(pk)

    def campaign_of(self, obj):
        if obj.pk:
            return obj.campaign
        wanted = self.request.GET.get("campaign") or self.request.POST.get("campaign")
        campaigns_ = Campaign.objects.for_user(self.request.user, CHANGE)
        campaign = campaigns_.filter(pk=wanted).first() if str(wanted or "").isdigit() else campaigns_.first()
        if campaign is None:
            raise Http404(_("请先新建招生工作。"))
        return campaign

    def get_form(self, obj, data=None):
        return self.form_class(data, instance=obj, campaign=self.campaign_of(obj))

    def save(self, form, creating, before):
        data = form.cleaned_data
        school = form.instance.school if not creating else data["school"]
        with transaction.atomic():
            return campaigns.set_plan(form.campaign, school, data["planned_classes"], data["class_size"])

    def post(self, request, pk=None):
        try:
            return super().post(request, pk)
        except ValidationError as e:
            obj = self.get_object(pk)
            form = self.get_form(obj, request.POST)
            form.is_valid()
            add_service_errors(form, e)
            return self.render_form(obj, form)


class TiersEditView(ScopedMixin, View):
    """The bureau edits the campaign's ordered priority tiers; applications are re-classified."""

    model = Campaign
    action = CHANGE

    def get_campaign(self, pk):
        self.require(CHANGE)
        campaign = get_object_or_404(self.get_queryset(CHANGE), pk=pk)
        return campaign

    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        return self.render_form(
            campaign, TiersForm(initial={"tiers": TiersForm.as_text(campaign.tiers.all())})
        )

    def post(self, request, pk):
        campaign = self.get_campaign(pk)
        form = TiersForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    campaigns.set_tiers(campaign, form.cleaned_data["tiers"])
                    n = applications.reclassify(campaign)
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("已更新入学顺位，重新计算了 %(n)s 份申请的顺位。") % {"n": n})
                return redirect(campaign.get_absolute_url() + "#tiers")
        return self.render_form(campaign, form, status=400)

    def render_form(self, campaign, form, status=200):
        title = _("入学顺位：%(c)s") % {"c": campaign}
        context = self.base_context(
            object=campaign, form=form, title=title,
            breadcrumbs=[(_("招生工作"), reverse("admissions:campaign_list")), (str(campaign), campaign.get_absolute_url()), (title, None)],
        )  # fmt: skip
        return render(self.request, "core/object_form.html", context, status=status)
