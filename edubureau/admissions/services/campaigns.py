"""Campaigns, their stages (opened and closed by the bureau) and the places per school."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from edubureau.core import changelog
from edubureau.org.models import School

from ..models import (
    ENTRY_GRADES,
    Application,
    ApplicationChoice,
    Campaign,
    CampaignStage,
    ChoiceKind,
    EntryGrade,
    PriorityTier,
    SchoolPlan,
    StageKind,
)
from ..models.campaign import STAGE_ORDER, default_birth_window
from ..priority import FENGXIAN_2024, validate_conditions

# Checked at verification for every applicant; proof- and migrant-specific papers are added per application.
DEFAULT_DOCUMENTS = ["户口簿", "出生医学证明", "监护人身份证"]


class StageClosed(ValidationError):
    """An action outside the open stage it belongs to."""


def require_open(campaign: Campaign, kind: str) -> None:
    """Refuse an action whose stage is not open right now (read fresh from the database)."""
    stage = CampaignStage.objects.filter(campaign=campaign, kind=kind).first()
    label = StageKind(kind).label
    if stage is None:
        raise StageClosed(f"{campaign}没有「{label}」阶段。")
    if not stage.is_open:
        when = (
            "尚未开启"
            if stage.opened_at is None
            else f"已于 {timezone.localtime(stage.closed_at):%Y-%m-%d %H:%M} 关闭"
        )
        raise StageClosed(f"「{label}」阶段{when}，现在不能办理此事项。请等待教育局开启该阶段。")


def create_campaign(
    *,
    year: int,
    entry_grade: str,
    name: str = "",
    class_size: int | None = None,
    birth_from: datetime.date | None = None,
    birth_to: datetime.date | None = None,
    max_private_choices: int = 1,
    max_public_choices: int = 0,
    stage_dates: dict | None = None,
    tiers=FENGXIAN_2024,
) -> Campaign:
    """A campaign with its seven stages (all closed), the default documents and priority tiers."""
    config = ENTRY_GRADES[EntryGrade(entry_grade)]
    window = default_birth_window(entry_grade, year)
    with transaction.atomic():
        campaign = changelog.create(
            Campaign(
                year=year,
                entry_grade=entry_grade,
                name=name,
                class_size=class_size or config["class_size"],
                birth_from=birth_from or window[0],
                birth_to=birth_to or window[1],
                max_private_choices=max_private_choices,
                max_public_choices=max_public_choices,
                documents=list(DEFAULT_DOCUMENTS),
            )
        )
        dates = stage_dates or {}
        for kind, order in STAGE_ORDER.items():
            start, end = dates.get(kind, (None, None))
            CampaignStage.objects.create(
                campaign=campaign, kind=kind, order=order, planned_start=start, planned_end=end
            )
        set_tiers(campaign, tiers)
    return campaign


def set_tiers(campaign: Campaign, tiers) -> list[PriorityTier]:
    """Replace the campaign's priority tiers: [(rank, name, conditions)], checked, logged."""
    ranks = [rank for rank, _name, _conditions in tiers]
    if len(set(ranks)) != len(ranks):
        raise ValidationError("顺位不能重复。")
    for rank, _name, conditions in tiers:
        try:
            validate_conditions(conditions)
        except ValueError as e:
            raise ValidationError(f"第{rank}类：{e}") from e
    with transaction.atomic():
        for old in PriorityTier.objects.filter(campaign=campaign):
            changelog.log_delete(old)
        PriorityTier.objects.filter(campaign=campaign).delete()
        created = [
            changelog.create(PriorityTier(campaign=campaign, rank=rank, name=name, conditions=conditions))
            for rank, name, conditions in tiers
        ]
    return created


def _stage_for_update(campaign: Campaign, kind: str) -> CampaignStage:
    stage = CampaignStage.objects.select_for_update().filter(campaign=campaign, kind=kind).first()
    if stage is None:
        raise ValidationError(f"{campaign}没有「{StageKind(kind).label}」阶段。")
    return stage


def open_stage(campaign: Campaign, kind: str, user=None) -> CampaignStage:
    """The bureau opens a stage; reopening a closed stage is allowed (e.g. a 补录) and logged."""
    with transaction.atomic():
        stage = _stage_for_update(campaign, kind)
        if stage.is_open:
            raise ValidationError(f"「{stage.get_kind_display()}」阶段已经开启。")
        before = changelog.snapshot(stage)
        stage.opened_at, stage.opened_by = timezone.now(), user if getattr(user, "pk", None) else None
        stage.closed_at = stage.closed_by = None
        return changelog.update(stage, before)


def close_stage(campaign: Campaign, kind: str, user=None) -> CampaignStage:
    with transaction.atomic():
        stage = _stage_for_update(campaign, kind)
        if not stage.is_open:
            raise ValidationError(f"「{stage.get_kind_display()}」阶段未开启，无需关闭。")
        before = changelog.snapshot(stage)
        stage.closed_at, stage.closed_by = timezone.now(), user if getattr(user, "pk", None) else None
        return changelog.update(stage, before)


def set_plan(
    campaign: Campaign, school: School, planned_classes: int, class_size: int | None = None
) -> SchoolPlan:
    """Create or change a school's 招生计划 (logged)."""
    if school.stage not in campaign.school_stages:
        raise ValidationError(
            {"school": f"{school}（{school.get_stage_display()}）不招收{campaign.entry_grade}。"}
        )
    with transaction.atomic():
        plan = SchoolPlan.objects.filter(campaign=campaign, school=school).first()
        if plan is None:
            return changelog.create(
                SchoolPlan(
                    campaign=campaign, school=school, planned_classes=planned_classes, class_size=class_size
                )
            )
        before = changelog.snapshot(plan)
        plan.planned_classes, plan.class_size = planned_classes, class_size
        return changelog.update(plan, before)


def places_by_school(campaign: Campaign) -> dict[int, int]:
    """Places per school = planned classes × class size (the school's own, else the campaign's)."""
    return {
        plan.school_id: plan.planned_classes * (plan.class_size or campaign.class_size)
        for plan in SchoolPlan.objects.filter(campaign=campaign).only(
            "school_id", "planned_classes", "class_size"
        )
    }


def _count(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("campaign_id").annotate(n=Count("pk")).values("n")), 0
    )


def _choosing(kind: str):
    """The applications of the plan's campaign that name the plan's school as a `kind` choice, counted once
    each. One join, driven by the choices' (school, kind) index: the campaign is checked on the few
    applications found, rather than every choice of the campaign joined to every choice of the school."""
    return Coalesce(
        Subquery(
            ApplicationChoice.objects.filter(
                school=OuterRef("school"), kind=kind, application__campaign=OuterRef("campaign")
            )
            .order_by()
            .values("school")
            .annotate(n=Count("application", distinct=True))
            .values("n")
        ),
        0,
    )


def plans_with_demand(queryset):
    """招生计划 rows with their demand: verified-or-not applications choosing the school as a private
    choice, as a public preference, or having it as the catchment school (one subquery each)."""
    return queryset.annotate(
        private_applicants=_choosing(ChoiceKind.PRIVATE),
        public_applicants=_choosing(ChoiceKind.PUBLIC),
        catchment_applicants=_count(
            Application.objects.filter(campaign=OuterRef("campaign"), catchment_school=OuterRef("school"))
        ),
    )
