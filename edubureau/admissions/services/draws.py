"""民办摇号: publish the applicant list, draw with a public seed, freeze and chain the record.

The order itself comes from the pure module `admissions.lottery` (shared/domain/lottery.md), so the
published LIST.csv and ORDER.csv can be checked offline with `edubureau admissions verify-lottery`.
"""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from edubureau.core import changelog
from edubureau.core.importing import insert_rows
from edubureau.org.models import Nature, School

from .. import lottery
from ..models import (
    Application,
    ApplicationStatus,
    Campaign,
    ChoiceKind,
    Draw,
    DrawEntry,
    DrawStatus,
    StageKind,
)
from .campaigns import places_by_school, require_open


def private_applicants(campaign: Campaign, school: School) -> list[str]:
    """The application numbers in a private school's lottery: verified applications choosing it."""
    rows = Application.objects.filter(
        campaign=campaign,
        status=ApplicationStatus.PASSED,
        choices__kind=ChoiceKind.PRIVATE,
        choices__school=school,
    )
    return sorted(rows.values_list("number", flat=True))


def demand(campaign: Campaign) -> list[dict]:
    """Each planned private school's places, verified applicants, whether it needs a draw, its draw."""
    places = places_by_school(campaign)
    schools = School.objects.filter(pk__in=places, nature=Nature.PRIVATE).order_by("code")
    draws = {d.school_id: d for d in Draw.objects.filter(campaign=campaign, school__isnull=False)}
    counts = {}
    for school_id in (
        Application.objects.filter(
            campaign=campaign, status=ApplicationStatus.PASSED, choices__kind=ChoiceKind.PRIVATE
        )
        .values_list("choices__school", flat=True)
        .iterator()
    ):
        counts[school_id] = counts.get(school_id, 0) + 1
    return [
        {
            "school": s,
            "places": places[s.pk],
            "applicants": counts.get(s.pk, 0),
            "oversubscribed": counts.get(s.pk, 0) > places[s.pk],
            "draw": draws.get(s.pk),
        }
        for s in schools
    ]


def publish(campaign: Campaign, school: School | None, numbers: list[str], *, places: int, user=None) -> Draw:
    """Freeze the applicant list and its SHA-256 before the draw (no seed yet)."""
    try:
        numbers = lottery.clean_applicants(numbers)
    except lottery.LotteryError as e:
        raise ValidationError(str(e)) from e
    if Draw.objects.filter(campaign=campaign, school=school).exists():
        raise ValidationError(f"{school or '统一随机号'}的摇号名单已经公示，不能重复公示。")
    draw = Draw(
        campaign=campaign,
        school=school,
        places=places,
        applicants=sorted(numbers),
        list_hash=lottery.list_hash(numbers),
        published_by=user.get_username() if getattr(user, "pk", None) else "系统",
    )
    return changelog.create(draw)


def publish_private_draw(campaign: Campaign, school: School, user=None) -> Draw:
    """Publish a private school's lottery list; refused unless the school is oversubscribed."""
    require_open(campaign, StageKind.PRIVATE_LOTTERY)
    if school.nature != Nature.PRIVATE:
        raise ValidationError(f"{school}不是民办学校，不需要摇号。")
    places = places_by_school(campaign).get(school.pk)
    if places is None:
        raise ValidationError(f"{school}未列入本次招生计划。")
    numbers = private_applicants(campaign, school)
    if len(numbers) <= places:
        raise ValidationError(
            f"{school}招生名额 {places} 个，通过验证的报名 {len(numbers)} 人，未超过名额，不需要摇号，全部录取。"
        )
    with transaction.atomic():
        return publish(campaign, school, numbers, places=places, user=user)


def publish_tiebreak(campaign: Campaign, user=None) -> Draw:
    """Publish the list for the campaign's single tie-breaking number: all verified applications."""
    require_open(campaign, StageKind.PUBLIC_ADMIT)
    numbers = Application.objects.filter(campaign=campaign, status=ApplicationStatus.PASSED)
    with transaction.atomic():
        return publish(campaign, None, list(numbers.values_list("number", flat=True)), places=0, user=user)


def perform_draw(draw: Draw, seed: str, user=None, witnesses: str = "", at=None) -> Draw:
    """Draw with the public seed, freeze the result and chain its record hash to the previous draw.

    For a school's draw the first `places` numbers are admitted; for the tie-breaking draw every
    application gets its rank as its lottery number. `at`: when the draw took place, if not now
    (the demo replays a campaign on its planned dates; the record is frozen once drawn)."""
    require_open(draw.campaign, StageKind.PRIVATE_LOTTERY if draw.school_id else StageKind.PUBLIC_ADMIT)
    if not seed.strip():
        raise ValidationError({"seed": "请填写公开种子（如公证员现场掷骰的结果）。"})
    with transaction.atomic():
        # The last drawn record is the chain's head: lock every draw row so two draws cannot both
        # chain to the same predecessor.
        list(Draw.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        draw = Draw.objects.get(pk=draw.pk)
        if draw.is_drawn:
            raise ValidationError("该摇号已经完成，结果已封存，不能重摇。")
        result = lottery.draw(draw.applicants, seed)
        if result.list_hash != draw.list_hash:
            raise ValidationError("公示名单的哈希与保存的不一致，摇号中止。请联系系统管理员。")
        head = Draw.objects.filter(status=DrawStatus.DRAWN).order_by("-sequence").first()
        before = changelog.snapshot(draw)
        draw.previous_hash = head.record_hash if head else ""
        draw.sequence = (Draw.objects.aggregate(m=Max("sequence"))["m"] or 0) + 1
        draw.seed, draw.order = seed, result.order
        draw.record_hash = lottery.record_hash(draw.previous_hash, result)
        draw.drawn_at, draw.drawn_by = at or timezone.now(), user if getattr(user, "pk", None) else None
        draw.witnesses = witnesses.strip()
        draw.status = DrawStatus.DRAWN
        changelog.update(draw, before)
        # Set-based: the tie-breaking draw covers every verified application of the campaign.
        ids = dict(
            Application.objects.filter(campaign=draw.campaign).values_list("number", "pk").iterator(5000)
        )
        entries = (
            (draw.pk, ids[number], rank, rank <= draw.places)
            for rank, number in enumerate(result.order, start=1)
        )
        insert_rows(DrawEntry, ["draw_id", "application_id", "rank", "admitted"], entries, convert=False)
        if draw.school_id is None:
            # One UPDATE from the entries just written (a CASE per row would be quadratic).
            rank = (
                DrawEntry.objects.filter(draw=draw, application=OuterRef("pk")).order_by().values("rank")[:1]
            )
            Application.objects.filter(draw_entries__draw=draw).update(lottery_number=Subquery(rank))
    return draw


def assign_lottery_numbers(campaign: Campaign, seed: str, user=None, at=None) -> Draw:
    """The single tie-breaking number (统一随机号) of every verified application: publish the list
    (unless already published) and draw it; Application.lottery_number = the rank."""
    draw = Draw.objects.filter(campaign=campaign, school=None).first() or publish_tiebreak(campaign, user)
    return perform_draw(draw, seed, user, at=at)


def check_chain() -> list[str]:
    """Recompute every drawn record from its stored inputs; the problems found (empty: intact)."""
    problems, previous = [], ""
    for draw in Draw.objects.filter(status=DrawStatus.DRAWN).order_by("sequence").select_related("school"):
        result = lottery.draw(draw.applicants, draw.seed)
        if result.order != draw.order or result.list_hash != draw.list_hash:
            problems.append(f"第 {draw.sequence} 条（{draw}）：顺序或名单哈希与重新计算的结果不同。")
        if draw.previous_hash != previous:
            problems.append(f"第 {draw.sequence} 条（{draw}）：前一记录哈希不连续。")
        if lottery.record_hash(draw.previous_hash, result) != draw.record_hash:
            problems.append(f"第 {draw.sequence} 条（{draw}）：记录哈希与重新计算的结果不同。")
        previous = draw.record_hash
    return problems


def list_csv(draw: Draw) -> str:
    """LIST.csv as published: header applicant_id, one application number per line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["applicant_id"])
    writer.writerows([n] for n in draw.applicants)
    return out.getvalue()


def order_csv(draw: Draw) -> str:
    """ORDER.csv as published: rank,applicant_id, rank 1 first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "applicant_id"])
    writer.writerows(enumerate(draw.order, start=1))
    return out.getvalue()


def private_admissions(campaign: Campaign) -> dict[int, int]:
    """application id → private school that admits it: a won lottery, or any verified choice of a
    private school that needed no draw; an application's earlier private choice wins."""
    places = places_by_school(campaign)
    drawn = {
        d.school_id
        for d in Draw.objects.filter(campaign=campaign, school__isnull=False, status=DrawStatus.DRAWN)
    }
    won = set(
        DrawEntry.objects.filter(
            draw__campaign=campaign, draw__school__isnull=False, admitted=True
        ).values_list("application_id", "draw__school_id")
    )
    demand_count: dict[int, int] = {}
    rows = list(
        Application.objects.filter(
            campaign=campaign, status=ApplicationStatus.PASSED, choices__kind=ChoiceKind.PRIVATE
        )
        .order_by("pk", "choices__rank")
        .values_list("pk", "choices__school")
    )
    for _pk, school_id in rows:
        demand_count[school_id] = demand_count.get(school_id, 0) + 1
    admitted: dict[int, int] = {}
    for pk, school_id in rows:
        if pk in admitted:
            continue
        no_draw_needed = school_id not in drawn and demand_count[school_id] <= places.get(school_id, 0)
        if (pk, school_id) in won or no_draw_needed:
            admitted[pk] = school_id
    return admitted
