"""录取分配: build the engine's input from verified applications, run it, record and publish the result.

Order of a run (admissions.md, issue 4):
  1. 民办摇号录取 — the private admissions already decided by the lotteries (services.draws);
  2. 公办对口/划片录取 — everyone else applies to their public preferences and their catchment
     school(s); at a catchment school the priority is the application's tier (顺位), then the single
     lottery number; out of catchment there is no priority row (lowest). DA (default) or IA;
  3. 统筹安排 — those still unplaced go, by tier and lottery number (DA), to the nearest schools
     that still have places;
  4. the rest are 未录取, with the nearest schools that still have places listed.
"""

import hashlib
import json
import math
from collections import Counter, defaultdict
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from edubureau.core import changelog
from edubureau.core.importing import insert_rows
from edubureau.org.models import Nature, School

from ..allocation import UNASSIGNED, allocate, deferred_acceptance
from ..catchment import Address
from ..models import (
    AllocationRun,
    Appeal,
    AppealStatus,
    Application,
    ApplicationChoice,
    ApplicationStatus,
    Campaign,
    CampaignStage,
    ChoiceKind,
    Draw,
    Mechanism,
    Placement,
    PlacementReason,
    SchoolLocation,
    SchoolPlan,
    StageKind,
)
from . import catchment
from .campaigns import places_by_school, require_open
from .draws import private_admissions


class Applicant(NamedTuple):
    """What the run needs of a verified application (read as values: no model instances)."""

    pk: int
    number: str
    lottery_number: int | None
    tier: int | None  # PriorityTier.rank
    catchment_school_id: int | None
    address: Address


class Row(NamedTuple):
    """A placement before it is written."""

    application_id: int
    school_id: int | None
    reason: str
    choice_rank: int | None
    nearest: list
    explanation: str


ASSIGN_CHOICES = 5  # 统筹: the nearest schools with places an unplaced applicant is offered
NEAREST_LISTED = 3  # for the unplaced: the nearest schools that still have places
NO_TIER = 10_000  # an application without a computed tier ranks after every tier


# ------------------------------------------------------------------ geography


def locations() -> dict[int, tuple[float, float]]:
    return {
        s: (float(lon), float(lat))
        for s, lon, lat in SchoolLocation.objects.values_list("school_id", "longitude", "latitude")
    }


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular approximation: exact enough within a district."""
    x = math.radians(b[0] - a[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    y = math.radians(b[1] - a[1])
    return 6371.0 * math.hypot(x, y)


def nearest(origin, school_ids, where: dict) -> list[int]:
    """school_ids ordered by distance from origin (schools without a location last, by id)."""
    if origin is None:
        return sorted(school_ids)
    return sorted(
        school_ids,
        key=lambda s: (where.get(s) is None, distance_km(origin, where[s]) if s in where else 0, s),
    )


# ------------------------------------------------------------------ the run


def _stage_check(campaign: Campaign) -> None:
    open_kinds = {s.kind for s in CampaignStage.objects.filter(campaign=campaign) if s.is_open}
    if not open_kinds & {StageKind.PUBLIC_ADMIT, StageKind.ALLOCATION}:
        require_open(campaign, StageKind.PUBLIC_ADMIT)  # raises, naming the stage


def _inputs_hash(payload: dict) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def run_allocation(campaign: Campaign, mechanism: str = Mechanism.DA, user=None) -> AllocationRun:
    """One allocation run over the campaign's verified applications; returns the saved run."""
    _stage_check(campaign)
    if mechanism not in Mechanism.values:
        raise ValidationError(f"未知的分配机制：{mechanism}。")
    apps = [
        Applicant(pk, number, lottery, tier, catchment_school_id, catchment.address_from(*residence))
        for pk, number, lottery, tier, catchment_school_id, *residence in (
            Application.objects.filter(campaign=campaign, status=ApplicationStatus.PASSED).order_by("number")
            .values_list("pk", "number", "lottery_number", "tier__rank", "catchment_school_id", *catchment.RESIDENCE_FIELDS)
        )
    ]  # fmt: skip
    missing = [a.number for a in apps if a.lottery_number is None]
    if missing:
        raise ValidationError(
            f"有 {len(missing)} 份已通过验证的申请还没有随机号（如 {missing[0]}），请先在摇号页面生成统一随机号。"
        )
    places = places_by_school(campaign)
    schools = {s.pk: s for s in School.objects.filter(pk__in=places)}
    public = [s for s in places if schools[s].nature != Nature.PRIVATE]
    private = private_admissions(campaign)
    where = locations()

    # Catchment: each application's address → its 对口 school or 划片 schools.
    found = catchment.targets(campaign)
    rules = catchment.matcher(campaign)
    area: dict[int, catchment.Target | None] = {}
    for a in apps:
        match = rules.match(a.address)
        area[a.pk] = found.get(match.rule.id) if match.rule else None
    prefs: dict[int, list[int]] = defaultdict(list)
    for app_id, school_id in (
        ApplicationChoice.objects.filter(application__campaign=campaign, kind=ChoiceKind.PUBLIC)
        .order_by("application_id", "rank").values_list("application_id", "school_id")
    ):  # fmt: skip
        prefs[app_id].append(school_id)

    # Stage A: public preferences, then the catchment school(s) not already listed.
    index = {s: k for k, s in enumerate(public)}
    rest = [a for a in apps if a.pk not in private]
    choices, priorities = [], [{} for _ in public]
    for i, a in enumerate(rest):
        own = [s for s in (area[a.pk].school_ids if area[a.pk] else []) if s in index]
        ranked = [s for s in prefs.get(a.pk, []) if s in index]
        ranked += [s for s in own if s not in ranked]
        choices.append([index[s] for s in ranked])
        tier = a.tier if a.tier is not None else NO_TIER
        for s in own:
            priorities[index[s]][i] = tier
    lottery = [a.lottery_number for a in rest]
    capacities = [places[s] for s in public]
    first = allocate(choices, lottery, capacities, priorities, mechanism)

    # Stage B (统筹): the unplaced, by tier then lottery, to the nearest schools with places left.
    left = list(capacities)
    for s in first:
        if s != UNASSIGNED:
            left[s] -= 1
    waiting = [i for i, s in enumerate(first) if s == UNASSIGNED]
    open_now = [public[k] for k, n in enumerate(left) if n > 0]
    by_origin: dict = {}  # many applicants share an origin (their catchment school): sort once per origin
    second_choices = []
    for i in waiting:
        origin = _origin(rest[i], area, prefs, where)
        if origin not in by_origin:
            by_origin[origin] = [index[s] for s in nearest(origin, open_now, where)[:ASSIGN_CHOICES]]
        second_choices.append(by_origin[origin])
    same_everywhere = {
        j: (rest[i].tier if rest[i].tier is not None else NO_TIER) for j, i in enumerate(waiting)
    }
    tiers = [same_everywhere] * len(public)  # 统筹: every school ranks by tier, then lottery number
    second = (
        deferred_acceptance(second_choices, [lottery[i] for i in waiting], left, tiers) if waiting else []
    )
    for s in second:
        if s != UNASSIGNED:
            left[s] -= 1

    run = changelog.create(AllocationRun(
        campaign=campaign, mechanism=mechanism, created_by=user if getattr(user, "pk", None) else None,
        inputs_hash=_inputs_hash({
            "mechanism": mechanism,
            "capacities": {schools[s].code: places[s] for s in public},
            "private": sorted((a.number, schools[private[a.pk]].code) for a in apps if a.pk in private),
            "applicants": [[a.number, lottery[i], [schools[public[s]].code for s in choices[i]], a.tier]
                           for i, a in enumerate(rest)],
        }),
    ))  # fmt: skip
    rows = [
        Row(a.pk, private[a.pk], PlacementReason.PRIVATE_LOTTERY, None, [], "民办学校录取（摇号或报名人数未超过计划）")
        for a in apps if a.pk in private
    ]  # fmt: skip
    placed_second = dict(zip(waiting, second, strict=True))
    still_open = [public[k] for k, n in enumerate(left) if n > 0]
    for i, a in enumerate(rest):
        target = area[a.pk]
        if first[i] != UNASSIGNED:
            school_id = public[first[i]]
            rank = choices[i].index(first[i]) + 1
            if target and school_id in target.school_ids:
                reason = PlacementReason.CATCHMENT_GROUP if target.is_group else PlacementReason.CATCHMENT
                tier = a.tier if a.tier is not None else "—"
                text = f"按对口/划片规则 {target.rule_id} 录取，顺位 {tier}，随机号 {a.lottery_number}"
            else:
                reason, text = PlacementReason.ASSIGNED, "按公办志愿在余额中录取"
            rows.append(Row(a.pk, school_id, reason, rank, [], text))
        elif placed_second.get(i, UNASSIGNED) != UNASSIGNED:
            school_id = public[placed_second[i]]
            rows.append(
                Row(
                    a.pk,
                    school_id,
                    PlacementReason.ASSIGNED,
                    None,
                    [],
                    "对口/志愿学校已满，统筹安排到就近有学位的学校",
                )
            )
        else:
            near = nearest(_origin(a, area, prefs, where), still_open, where)[:NEAREST_LISTED]
            listed = [
                {"id": s, "code": schools[s].code, "name": schools[s].name, "left": left[index[s]]}
                for s in near
            ]
            text = (
                "就近仍有学位的学校见“就近有学位的学校”一栏，可向教育局申请调剂"
                if near
                else "未找到有学位的学校"
            )
            rows.append(Row(a.pk, None, PlacementReason.UNPLACED, None, listed, text))
    # Plain INSERTs (COPY on PostgreSQL): 38,000 model instances would cost more than the whole run.
    insert_rows(Placement, ["run", "application", "school", "reason", "choice_rank", "nearest", "explanation"],
                ((run.pk, *row) for row in rows))  # fmt: skip
    _update_catchment_schools(area, apps)
    before = changelog.snapshot(run)
    run.applicants, run.placed = len(rows), sum(1 for r in rows if r.school_id)
    run.unplaced = run.applicants - run.placed
    run.stats = statistics(campaign, rows, choices, public, places, schools)
    run.save()
    changelog.log_update(run, before)
    return run


def _origin(application, area, prefs, where):
    """Where an applicant lives, as far as we know: their catchment school, else their first preference."""
    target = area.get(application.pk)
    for s in (target.school_ids if target else []) + prefs.get(application.pk, []):
        if s in where:
            return where[s]
    return None


def _update_catchment_schools(area, apps) -> None:
    """Application.catchment_school = the 对口 school (a school user then sees the application)."""
    by_school = defaultdict(list)
    for a in apps:
        target = area[a.pk]
        school_id = target.school_ids[0] if target and not target.is_group and target.school_ids else None
        if a.catchment_school_id != school_id:
            by_school[school_id].append(a.pk)
    for school_id, ids in by_school.items():
        for k in range(0, len(ids), 2000):
            Application.objects.filter(pk__in=ids[k : k + 2000]).update(catchment_school=school_id)


def private_demand(campaign: Campaign) -> Counter:
    """private school → its verified applicants."""
    return Counter(
        ApplicationChoice.objects.filter(
            application__campaign=campaign,
            application__status=ApplicationStatus.PASSED,
            kind=ChoiceKind.PRIVATE,
        ).values_list("school_id", flat=True)
    )


def statistics(campaign, rows, choices, public, places, schools) -> dict:
    """Applicants per place, lottery odds, 统筹 counts, first-choice rate: stored on the run."""
    admitted = Counter(r.school_id for r in rows if r.school_id)
    # Demand at a public school: the applicants who name it first (preference or catchment).
    first_choice = Counter(public[c[0]] for c in choices if c)
    # At a private school: its verified applicants (the lottery pool).
    for draw_school, n in private_demand(campaign).items():
        first_choice[draw_school] = n
    lotteries = []
    for draw in Draw.objects.filter(campaign=campaign, school__isnull=False).select_related("school"):
        n = len(draw.applicants)
        lotteries.append({"school": draw.school.name, "places": draw.places, "applicants": n,
                          "odds": round(min(1.0, draw.places / n), 4) if n else None, "status": draw.status})  # fmt: skip
    with_choice = [c for c in choices if c]
    stage_a = [r for r in rows if r.reason != PlacementReason.PRIVATE_LOTTERY]
    first_rank = sum(1 for r in stage_a if r.choice_rank == 1)
    reasons = Counter(r.reason for r in rows)
    return {
        "by_reason": {value: reasons.get(value, 0) for value in PlacementReason.values},
        "assigned": reasons.get(PlacementReason.ASSIGNED, 0),
        "first_choice_rate": round(first_rank / len(with_choice), 4) if with_choice else None,
        "schools": [
            {"id": s, "code": schools[s].code, "name": schools[s].name, "private": schools[s].nature == Nature.PRIVATE,
             "places": places[s], "first_choice": first_choice.get(s, 0), "admitted": admitted.get(s, 0),
             "per_place": round(first_choice.get(s, 0) / places[s], 2) if places[s] else None}
            for s in sorted(places, key=lambda s: schools[s].code)
        ],
        "lotteries": lotteries,
    }  # fmt: skip


# ------------------------------------------------------------------ classes, publication, appeals


@transaction.atomic
def form_classes(run: AllocationRun, school: School) -> int:
    """Spread the school's admitted children over its classes (boys and girls alternately, by birth
    date), so no class exceeds the standard; more children than places is refused."""
    plan = SchoolPlan.objects.filter(campaign=run.campaign, school=school).first()
    if plan is None:
        raise ValidationError(f"{school.name}没有本次招生的招生计划，不能编班。")
    placements = list(
        Placement.objects.filter(run=run, school=school).select_related("application")
        .order_by("application__gender", "application__birth_date", "application__number")
    )  # fmt: skip
    if len(placements) > plan.places:
        raise ValidationError(
            f"{school.name}录取 {len(placements)} 人，超过计划学位 {plan.places} 个"
            f"（{plan.planned_classes} 班 × {plan.size} 人），拒绝编班。请先调整录取结果或招生计划。"
        )
    # As few classes as the standard allows (never more than planned): 3 children are one class.
    classes = max(1, min(plan.planned_classes, math.ceil(len(placements) / plan.size)))
    # Snake order over the classes keeps sizes within one of each other and mixes boys and girls.
    for k, placement in enumerate(placements):
        lap, pos = divmod(k, classes)
        placement.class_no = pos + 1 if lap % 2 == 0 else classes - pos
    Placement.objects.bulk_update(placements, ["class_no"], batch_size=2000)
    return len(placements)


def class_sizes(run: AllocationRun, school: School) -> list[tuple[int, int]]:
    counts = Counter(Placement.objects.filter(run=run, school=school).values_list("class_no", flat=True))
    return sorted((k, n) for k, n in counts.items() if k is not None)


@transaction.atomic
def publish(run: AllocationRun, user=None) -> AllocationRun:
    """结果公布: the run's schools become the applications' admitted schools. One published run per campaign."""
    require_open(run.campaign, StageKind.RESULTS)
    published = (
        AllocationRun.objects.filter(campaign=run.campaign, published_at__isnull=False)
        .exclude(pk=run.pk)
        .first()
    )
    if published:
        raise ValidationError(f"本次招生已公布第 {published.pk} 次分配的结果，不能再公布另一次分配。")
    if run.published_at:
        return run
    by_school = defaultdict(list)
    for app_id, school_id in run.placements.values_list("application_id", "school_id"):
        by_school[school_id].append(app_id)
    for school_id, ids in by_school.items():
        for k in range(0, len(ids), 2000):
            Application.objects.filter(pk__in=ids[k : k + 2000]).update(admitted_school=school_id)
    before = changelog.snapshot(run)
    run.published_at, run.published_by = timezone.now(), user if getattr(user, "pk", None) else None
    run.save(update_fields=["published_at", "published_by"])
    changelog.log_update(run, before)
    return run


def file_appeal(application: Application, content: str, kind: str = "申诉", user=None) -> Appeal:
    if not content.strip():
        raise ValidationError({"content": "请填写申诉或投诉的内容。"})
    return changelog.create(Appeal(application=application, kind=kind, content=content.strip(),
                                   created_by=user if getattr(user, "pk", None) else None))  # fmt: skip


def answer_appeal(appeal: Appeal, status: str, reply: str, user=None) -> Appeal:
    if status == AppealStatus.OPEN or not reply.strip():
        raise ValidationError({"reply": "处理申诉须选择“已支持”或“不予支持”，并填写答复。"})
    before = changelog.snapshot(appeal)
    appeal.status, appeal.reply = status, reply.strip()
    appeal.handled_at, appeal.handled_by = timezone.now(), user if getattr(user, "pk", None) else None
    return changelog.update(appeal, before)
