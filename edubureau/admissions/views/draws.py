"""民办摇号 pages for staff: each private school's demand, publishing the list, drawing with the seed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core.scope import CHANGE, scope_of
from edubureau.core.views import ObjectDetailView, ObjectListView, ScopedMixin
from edubureau.org.models import School

from ..filtersets import DrawFilterSet
from ..forms import SeedForm
from ..models import Campaign, Draw
from ..services import draws
from ..tables import DRAW_COLUMNS


class DrawListView(ObjectListView):
    model = Draw
    filterset_class = DrawFilterSet
    columns = DRAW_COLUMNS
    select_related = ("school", "campaign")
    export_name = "民办摇号"


class LotteryOverviewView(ObjectDetailView):
    """A campaign's private schools: places, verified applicants, whether a draw is needed, the draws."""

    model = Campaign
    template_name = "admissions/lottery_overview.html"

    def breadcrumbs(self, obj):
        return [
            (_("招生工作"), reverse("admissions:campaign_list")),
            (str(obj), obj.get_absolute_url()),
            (_("民办摇号"), None),
        ]

    def extra_context(self, obj, unmasked):
        rows = draws.demand(obj)
        scope = scope_of(self.request.user)
        if not scope.all_units:
            rows = [r for r in rows if r["school"].pk in scope.school_ids]
        return {
            "rows": rows,
            "is_bureau": self.module_allows(CHANGE),
            "title": _("民办摇号"),
        }


class DrawPublishView(ScopedMixin, View):
    """POST (bureau): publish a private school's applicant list and its hash, or the tie-break list."""

    model = Campaign
    action = CHANGE

    def post(self, request, pk):
        self.require(CHANGE)
        campaign = get_object_or_404(self.get_queryset(CHANGE), pk=pk)
        code = request.POST.get("school", "")
        try:
            if code == "tiebreak":
                draw = draws.publish_tiebreak(campaign, request.user)
            else:
                school = School.objects.filter(code=code).first()
                if school is None:
                    raise ValidationError(_("学校标识码 %(code)s 不存在。") % {"code": code})
                draw = draws.publish_private_draw(campaign, school, request.user)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return redirect("admissions:lottery_overview", pk=campaign.pk)
        messages.success(request, _("已公示摇号名单，名单哈希：%(h)s") % {"h": draw.list_hash})
        return redirect(draw.get_absolute_url())


class DrawDetailView(ObjectDetailView):
    model = Draw
    template_name = "admissions/draw_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("campaign", "school", "drawn_by")

    def list_url(self):
        return reverse("admissions:draw_list")

    def extra_context(self, obj, unmasked):
        entries = obj.entries.select_related("application").order_by("rank")[:500] if obj.is_drawn else []
        return {
            "entries": entries,
            "seed_form": SeedForm()
            if not obj.is_drawn and self.module_allows(CHANGE)
            else None,
            "public_url": reverse("admissions:public_draw_detail", args=[obj.pk]),
        }


class DrawPerformView(ScopedMixin, View):
    """POST (bureau): enter the public seed; the order is computed, frozen and chained."""

    model = Draw
    action = CHANGE

    def post(self, request, pk):
        self.require(CHANGE)
        draw = get_object_or_404(self.get_queryset(CHANGE).select_related("campaign"), pk=pk)
        form = SeedForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写公开种子。"))
            return redirect(draw.get_absolute_url())
        try:
            draw = draws.perform_draw(
                draw, form.cleaned_data["seed"], request.user, form.cleaned_data["witnesses"]
            )
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, _("摇号完成，结果已封存。记录哈希：%(h)s") % {"h": draw.record_hash})
        return redirect(draw.get_absolute_url())
