"""对口/学区划分 pages: the rules and groups (lists, edit), the address look-up, the check."""

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core.scope import VIEW
from edubureau.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, ScopedMixin

from ..catchment import Address
from ..filtersets import CatchmentGroupFilterSet, CatchmentRuleFilterSet, SchoolLocationFilterSet
from ..forms import (
    CatchmentGroupForm,
    CatchmentRuleForm,
    CheckForm,
    LookupForm,
    SchoolLocationForm,
    add_service_errors,
)
from ..models import Application, Campaign, CatchmentGroup, CatchmentRule, SchoolLocation
from ..services import catchment
from ..tables import CATCHMENT_GROUP_COLUMNS, CATCHMENT_RULE_COLUMNS, SCHOOL_LOCATION_COLUMNS


class CatchmentRuleListView(ObjectListView):
    model = CatchmentRule
    filterset_class = CatchmentRuleFilterSet
    columns = CATCHMENT_RULE_COLUMNS
    select_related = ("campaign", "school", "group")
    add_url_name = "admissions:catchment_rule_add"
    import_url_name = "core:import_new_catchment_rules"
    export_name = "对口规则"


class CatchmentRuleEditView(ObjectEditView):
    model = CatchmentRule
    form_class = CatchmentRuleForm

    def get_object(self, pk):
        return super().get_object(pk)

    def post(self, request, pk=None):
        try:
            return super().post(request, pk)
        except ValidationError as e:  # a model constraint (one target, a range in order)
            obj = self.get_object(pk)
            form = self.get_form(obj, request.POST)
            form.is_valid()
            add_service_errors(form, e)
            return self.render_form(obj, form)

    def save(self, form, creating, before):
        return catchment.save_rule(form.save(commit=False), None if creating else before)


class CatchmentRuleDeleteView(ObjectDeleteView):
    model = CatchmentRule
    success_url_name = "admissions:catchment_rule_list"


class CatchmentGroupListView(ObjectListView):
    model = CatchmentGroup
    filterset_class = CatchmentGroupFilterSet
    columns = CATCHMENT_GROUP_COLUMNS
    add_url_name = "admissions:catchment_group_add"
    export_name = "划片片区"

    def get_queryset(self, action=None):
        groups = super().get_queryset(action).select_related("campaign").prefetch_related("schools")
        return groups.annotate(n_rules=Count("rules")).order_by("campaign", "name")


class CatchmentGroupEditView(ObjectEditView):
    model = CatchmentGroup
    form_class = CatchmentGroupForm

    def get_object(self, pk):
        return super().get_object(pk)

    def save(self, form, creating, before):
        return catchment.save_group(
            form.save(commit=False), form.cleaned_data["schools"], None if creating else before
        )


class SchoolLocationListView(ObjectListView):
    """学校位置: used to list the nearest schools that still have places."""

    model = SchoolLocation
    filterset_class = SchoolLocationFilterSet
    columns = SCHOOL_LOCATION_COLUMNS
    select_related = ("school",)
    add_url_name = "admissions:school_location_add"
    export_name = "学校位置"

    def get_queryset(self, action=None):
        return super().get_queryset(action).order_by("school__code")


class SchoolLocationEditView(ObjectEditView):
    model = SchoolLocation
    form_class = SchoolLocationForm


def _campaign_initial(request):
    campaign = Campaign.objects.for_user(request.user).order_by("-year").first()
    return {"campaign": campaign.pk if campaign else None}


class LookupView(ScopedMixin, View):
    """对口查询: which rule covers an address, and why (or which rules nearly do)."""

    model = CatchmentRule

    def get(self, request):
        self.require(VIEW)
        form = LookupForm(request.GET or None, initial=_campaign_initial(request))
        form.fields["campaign"].queryset = Campaign.objects.for_user(request.user)
        context = {"form": form, "title": _("对口查询")}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            parsed = Address.parse(data["address"]) if data["address"] else Address()
            address = Address(
                Address.of(street=data["street"]).street or parsed.street,
                Address.of(community=data["community"]).community or parsed.community,
                Address.of(road=data["road"]).road or parsed.road,
                data["number"] if data["number"] is not None else parsed.number,
            )
            match, misses = catchment.lookup(data["campaign"], address)
            context.update(match=match, misses=misses, address=address)
        return render(request, "admissions/catchment_lookup.html", context)


class CheckView(ScopedMixin, View):
    """Addresses (of the applications, or a pasted/uploaded list) that match no rule or two rules."""

    model = CatchmentRule

    def get(self, request):
        self.require(VIEW)
        return self.show(CheckForm(initial=_campaign_initial(request)))

    def post(self, request):
        self.require(VIEW)
        form = CheckForm(request.POST, request.FILES)
        form.fields["campaign"].queryset = Campaign.objects.for_user(request.user)
        if not form.is_valid():
            return self.show(form)
        campaign = form.cleaned_data["campaign"]
        lines = form.lines()
        applications = (
            None
            if lines is not None
            else Application.objects.for_user(request.user).filter(campaign=campaign)
        )
        problems = catchment.check_addresses(campaign, lines, applications)
        checked = len([x for x in lines if x.strip()]) if lines is not None else applications.count()
        return self.show(form, problems=problems, checked=checked)

    def show(self, form, **extra):
        form.fields["campaign"].queryset = Campaign.objects.for_user(self.request.user)
        return render(
            self.request,
            "admissions/catchment_check.html",
            {"form": form, "title": _("对口规则检查"), **extra},
        )


def rules_url(campaign) -> str:
    return reverse("admissions:catchment_rule_list") + f"?campaign={campaign.pk}"
