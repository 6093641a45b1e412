"""Demo data of admissions: the district's 小学一年级 campaign of the year that fits today, run through
its stages up to today, and (outside the campaign season) the next year's campaign being prepared.

The campaign's stages have fixed dates in its year (`STAGE_PLAN`: 信息登记 from 1 March, 验证 in May,
民办摇号 early June, 公办对口录取 in June, 统筹安排 and 结果公布 in July). `campaign_years(today)`
picks what the demo shows: from March to July the campaign of this year, in the stage of today; from
August the campaign just finished with its results and the next year's campaign with its plan ready
and no stage begun (until 1 March the same, a year earlier). A stage begun before today was opened on
its first day at 09:00 and, if it ended before today, closed on its last day at 17:00; everything a
stage does happened on its dates: registrations spread over the days of 信息登记 up to yesterday, the
reviews over the days of 验证, the lotteries on the first day of their stage, the allocation run on
the first day of 统筹安排 and its publication on the first day of 结果公布. Nothing is dated today or
later, so the same seed on the same day gives the same rows.

About 38,000 registrations at full scale (the bureau's "预计招录新生38253人"), each living on a road
the catchment rules cover (a few on roads they miss, for the check page), with 户籍/residence facts
drawn so that every priority tier occurs; most are verified, some returned for correction, a few
pending. About one family in seven chooses a private school; the popular ones are oversubscribed and
draw their lotteries with a public seed through the same services as the pages (published list,
frozen order, hash chain), then the single tie-breaking number is drawn, and the allocation runs and
is published.

Registrations are written set-based; the draws, the allocation and its publication go through the
services, with their dates set to the stage's (a draw's own `at`, the other timestamps updated
before anything freezes them).
"""

from __future__ import annotations

import datetime
import logging
import math
import random
from collections import Counter
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from edubureau.core import demodata as gen
from edubureau.core.importing import allocate_ids, insert_rows
from edubureau.org.models import Nature, School, Stage

from .. import priority
from ..models import (
    AllocationRun,
    Application,
    ApplicationChoice,
    ApplicationGuardian,
    ApplicationReview,
    Campaign,
    CampaignStage,
    Draw,
    DrawEntry,
    EntryGrade,
    PriorityTier,
    SchoolPlan,
    StageKind,
)
from ..services import allocation, campaigns, draws
from ..services.applications import NUMBER_CODES, cutoff, required_documents
from . import catchment

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")
FULL_APPLICANTS = 38253
PRIVATE_SHARE = 0.14
BATCH = 5000
UNCOVERED = {"residence_street": "浦锦", "residence_road": "未划片路", "residence_community": "新建小区"}
# Planned dates of the stages in the campaign's year: (month, day) of the first and the last day.
STAGE_PLAN = {
    StageKind.REGISTRATION: ((3, 1), (4, 30)),
    StageKind.VERIFICATION: ((5, 6), (5, 25)),
    StageKind.PRIVATE_APPLY: ((5, 20), (5, 28)),
    StageKind.PRIVATE_LOTTERY: ((6, 3), (6, 5)),
    StageKind.PUBLIC_ADMIT: ((6, 10), (6, 30)),
    StageKind.ALLOCATION: ((7, 1), (7, 10)),
    StageKind.RESULTS: ((7, 15), (7, 31)),
}
# Residence facts and how often they occur: (人户一致, proof, owner, share %).
HOUSING = [
    ((True, "房产证", "父母", 100), 40), ((True, "房产证", "祖辈", 100), 10), ((False, "房产证", "父母", 100), 12),
    ((False, "房产证", "祖辈", 100), 5), ((True, "房产证", "父母", 50), 6), ((False, "房产证", "父母", 50), 3),
    ((False, "网签", "父母", None), 4), ((False, "租赁", "", None), 14), ((True, "其他", "", None), 6),
]  # fmt: skip
TOWNS = [
    "莘庄",
    "七宝",
    "古美",
    "江川",
    "虹桥",
    "梅陇",
    "浦江",
    "颛桥",
    "马桥",
    "吴泾",
    "华漕",
    "新虹",
    "浦锦",
]


def stage_dates(year: int) -> dict[str, tuple[datetime.date, datetime.date]]:
    return {kind: (datetime.date(year, *a), datetime.date(year, *b)) for kind, (a, b) in STAGE_PLAN.items()}


def campaign_years(today: datetime.date) -> tuple[int, int | None]:
    """(the campaign run up to today, the campaign being prepared or None).

    From 1 March to 31 July: this year's campaign, in the stage of today. Later in the year: this
    year's campaign, finished with its results, and next year's with its plan ready; until 1 March,
    last year's and this year's."""
    dates = stage_dates(today.year)
    if today <= dates[StageKind.REGISTRATION][0]:
        return today.year - 1, today.year
    if today > dates[StageKind.RESULTS][1]:
        return today.year, today.year + 1
    return today.year, None


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), TZ)


def build(seed: int, scale: str, progress) -> dict[str, int]:
    rng = random.Random(seed * 31 + 4)
    schools = list(
        School.objects.open().filter(stage__in=(Stage.PRIMARY, Stage.NINE_YEAR)).order_by("code")
    )  # fmt: skip
    public = [s for s in schools if s.nature != Nature.PRIVATE]
    private = [s for s in schools if s.nature == Nature.PRIVATE]
    if not public:
        return {}
    n = FULL_APPLICANTS if scale == "full" else min(400, 80 * len(public))
    today = timezone.localdate()
    year, following = campaign_years(today)
    progress("招生入学")
    counts: Counter = Counter()
    with transaction.atomic():
        builder = _Builder(rng, public, private, today)
        counts.update(builder.make_campaign(year, n))
        counts.update(builder.run_process(seed, progress))
        if following:
            counts.update(builder.make_campaign(following, n, prepared=True))
    return dict(counts)


class _Builder:
    def __init__(self, rng, public, private, today):
        self.rng, self.public, self.private, self.today = rng, public, private, today
        self.ids = gen.IdNumbers(rng)

    def _begun(self, kind) -> bool:
        return self.dates[kind][0] < self.today

    def _over(self, kind) -> bool:
        return self.dates[kind][1] < self.today

    def _day_in(self, kind) -> datetime.date:
        """A day of the stage before today (the stage has begun)."""
        first, last = self.dates[kind]
        last = min(last, self.today - datetime.timedelta(days=1))
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    def _share(self, kind) -> float:
        """How much of a stage's work is done by today: 0 before it, 1 after it, in between the
        share of its days gone by (front-loaded: families register early)."""
        if not self._begun(kind):
            return 0.0
        if self._over(kind):
            return 1.0
        first, last = self.dates[kind]
        return ((self.today - first).days / ((last - first).days + 1)) ** 0.7

    # ---- the campaign, its plans and registrations ----

    def make_campaign(self, year: int, n: int, prepared: bool = False) -> dict[str, int]:
        """Create the year's campaign with its plan, catchment and the registrations made by today
        (none for a campaign being prepared)."""
        self.dates = stage_dates(year)
        self.campaign = campaigns.create_campaign(
            year=year, entry_grade=EntryGrade.PRIMARY, name=f"{year}年小学一年级招生", stage_dates=self.dates
        )
        # The bureau set it up in the winter before (or yesterday, if that is still to come).
        made = min(datetime.date(year - 1, 11, 20), self.today - datetime.timedelta(days=1))
        Campaign.objects.filter(pk=self.campaign.pk).update(created_at=_at(made, 10))
        rng = self.rng
        weights = [rng.uniform(0.4, 1.6) for _ in self.public]
        home = rng.choices(range(len(self.public)), weights=weights, k=n)
        demand = Counter(home)
        plans = [
            SchoolPlan(
                campaign=self.campaign, school=s, planned_classes=max(1, math.ceil(demand[k] * 1.03 / 45))
            )
            for k, s in enumerate(self.public)
        ]
        # Private schools: few places, uneven popularity, so the popular ones are oversubscribed
        # (in the small district one small class each, so that its few families still draw lots).
        popularity = [rng.choice([0.3, 0.8, 1.5, 3.0]) for _ in self.private]
        small = n < 1000
        plans += [
            SchoolPlan(campaign=self.campaign, school=s, planned_classes=1 if small else rng.randint(2, 4),
                       class_size=10 if small else None)  # fmt: skip
            for s in self.private
        ]
        SchoolPlan.objects.bulk_create(plans)
        self.addresses = self._addresses()
        if prepared:
            return {"招生计划": len(plans)}
        registered = round(n * self._share(StageKind.REGISTRATION))
        self.apps = self._applications(home[:registered], popularity)
        return {"招生计划": len(plans), "入学申请": len(self.apps)}

    def _addresses(self) -> list[dict]:
        catchment.build_rules(self.campaign)
        return catchment.demo_addresses(self.campaign)

    def _applications(self, home, popularity) -> list[int]:
        rng, campaign = self.rng, self.campaign
        if not home:
            return []
        tiers = list(PriorityTier.objects.filter(campaign=campaign))
        tier_ids = {t.rank: t.pk for t in tiers}
        rules = [(t.rank, t.name, t.conditions) for t in tiers]
        on = cutoff(campaign)
        tier_cache: dict = {}
        prefix = f"{campaign.year}{NUMBER_CODES[campaign.entry_grade]}"
        housing, housing_w = zip(*HOUSING, strict=True)
        n = len(home)
        private_pick = rng.choices(range(len(self.private)), weights=popularity, k=n) if self.private else []
        # Registration days in order, so that numbers follow the order of registration.
        registered = sorted(self._day_in(StageKind.REGISTRATION) for _ in range(n))
        verify_share = self._share(StageKind.VERIFICATION)
        choose_share = self._share(StageKind.PRIVATE_APPLY)
        ids = allocate_ids(Application, n)
        apps, guardians, choices, reviews = [], [], [], []
        for i, pk in enumerate(ids):
            male = rng.random() < 0.52
            gender = "男" if male else "女"
            birth = gen.birth_date_between(rng, campaign.birth_from, campaign.birth_to)
            region, hukou_type = gen.hukou(rng, 0.28)
            same, proof, owner, share = rng.choices(housing, weights=housing_w)[0]
            migrant = hukou_type == "外省市"
            if migrant and proof == "房产证" and rng.random() < 0.6:
                same, proof, owner, share = False, "租赁", "", None
            address = self.addresses[home[i] % len(self.addresses)] if rng.random() > 0.02 else UNCOVERED
            house_no = rng.randint(1, 200)
            since = (
                datetime.date(rng.randint(2010, campaign.year - 1), rng.randint(1, 12), 1)
                if proof != "其他"
                else None
            )
            facts = priority.Facts(
                person_household_same=same, proof=proof, owner=owner, share=share, hukou_local=hukou_type == "本区",
                residence_permit=migrant, points_met=migrant and rng.random() < 0.5,
            )  # fmt: skip
            if facts not in tier_cache:
                tier_cache[facts] = priority.classify(rules, facts, on)
            rank, why = tier_cache[facts]
            r = rng.random()
            status = "通过" if r < 0.96 else "退回补正" if r < 0.985 else "待验证"
            verified = None
            if status != "待验证" and rng.random() < verify_share:
                verified = _at(self._day_in(StageKind.VERIFICATION), rng.randint(9, 16), rng.randrange(60))
            else:
                status = "待验证"
            family = gen.surname(rng)
            town = address["residence_street"].removesuffix("镇").removesuffix("街道")
            town = town if town in gen.TOWN_ROADS else "莘庄"
            full_address = f"上海市闵行区{address['residence_street']}{address['residence_road']}{house_no}号"
            papers = SimpleNamespace(campaign=campaign, residence_proof=proof, is_migrant=migrant)
            documents = required_documents(papers) if status == "通过" else []
            reason = "房产证明材料不清晰，请补交" if status == "退回补正" else ""
            created = _at(registered[i], rng.randint(8, 21), rng.randrange(60))
            apps.append({
                "id": pk, "campaign_id": campaign.pk, "number": f"{prefix}{i + 1:06d}",
                "child_name": gen.person_name(rng, gender, 2020, family), "gender": gender, "birth_date": birth,
                "id_type": "居民身份证", "id_number": self.ids.resident(region, birth, male), "hukou_type": hukou_type,
                "hukou_address": full_address if same else gen.home_address(rng, town),
                "residence_street": address["residence_street"], "residence_community": address.get("residence_community", ""),
                "residence_road": address["residence_road"], "residence_house_no": house_no, "residence_address": full_address,
                "person_household_same": same, "residence_proof": proof, "property_owner": owner, "property_share": share,
                "property_since": since, "is_migrant": migrant, "residence_permit": migrant,
                "permit_points": rng.randint(60, 130) if migrant else None, "points_met": facts.points_met,
                "status": status, "documents": documents, "return_reason": reason,
                "verified_at": verified, "tier_id": tier_ids.get(rank),
                "tier_explanation": why[:300], "created_at": created,
            })  # fmt: skip
            guardians.append({
                "application_id": pk, "name": gen.person_name(rng, "男", 1990, family), "relation": "父亲",
                "phone": gen.mobile(rng), "residence_permit": migrant, "insurance_months": 12 if migrant else 0,
            })  # fmt: skip
            if self.private and rng.random() < PRIVATE_SHARE and rng.random() < choose_share:
                choices.append(
                    {
                        "application_id": pk,
                        "kind": "民办",
                        "rank": 1,
                        "school_id": self.private[private_pick[i]].pk,
                    }
                )
            if verified:
                reviews.append({"application_id": pk, "status": status, "reason": reason, "documents": documents,
                                "user_name": "基教科 李老师", "time": verified})  # fmt: skip
        for model, rows in ((Application, apps), (ApplicationGuardian, guardians), (ApplicationChoice, choices),
                            (ApplicationReview, reviews)):  # fmt: skip
            _insert(model, rows)
        return ids

    # ---- the process: lotteries, tie-break numbers, allocation, results ----

    def _open(self, kind) -> None:
        """The bureau opened the stage on its first day (the services check that it is open)."""
        opened = _at(self.dates[kind][0], 9)
        CampaignStage.objects.filter(campaign=self.campaign, kind=kind).update(
            opened_at=opened, closed_at=None
        )

    def _settle(self, kind) -> None:
        """The stage as of today: open since its first day if that has passed, closed on its last
        day if that has passed too, else not begun."""
        start, end = self.dates[kind]
        opened = _at(start, 9) if self._begun(kind) else None
        closed = _at(end, 17) if opened and self._over(kind) else None
        CampaignStage.objects.filter(campaign=self.campaign, kind=kind).update(
            opened_at=opened, closed_at=closed
        )

    def run_process(self, seed: int, progress) -> dict[str, int]:
        counts: dict[str, int] = {}
        for kind in (StageKind.REGISTRATION, StageKind.VERIFICATION, StageKind.PRIVATE_APPLY):
            self._settle(kind)
        if self._begun(StageKind.PRIVATE_LOTTERY):
            progress("民办摇号")
            self._open(StageKind.PRIVATE_LOTTERY)
            day = self.dates[StageKind.PRIVATE_LOTTERY][0]
            n_draws = 0
            for row in draws.demand(self.campaign):
                if row["oversubscribed"]:
                    draw = draws.publish_private_draw(self.campaign, row["school"])
                    # The list was published after 民办报名 closed, before the draw.
                    Draw.objects.filter(pk=draw.pk).update(
                        published_at=_at(day - datetime.timedelta(days=2), 10)
                    )
                    draws.perform_draw(draw, f"{seed}-{row['school'].code[-3:]}-{self.rng.randint(100000, 999999)}",
                                       witnesses="区公证处公证员、家长代表",
                                       at=_at(day, 9, 30) + datetime.timedelta(minutes=10 * n_draws))  # fmt: skip
                    n_draws += 1
            counts["民办摇号"] = n_draws
        self._settle(StageKind.PRIVATE_LOTTERY)
        if self._begun(StageKind.PUBLIC_ADMIT):
            progress("统一随机号")
            self._open(StageKind.PUBLIC_ADMIT)
            day = self.dates[StageKind.PUBLIC_ADMIT][0]
            tiebreak = draws.publish_tiebreak(self.campaign)
            Draw.objects.filter(pk=tiebreak.pk).update(published_at=_at(day - datetime.timedelta(days=3), 10))
            tiebreak = draws.perform_draw(
                tiebreak, f"{seed}-统一随机号-{self.rng.randint(100000, 999999)}", at=_at(day, 10)
            )
            counts["摇号结果"] = DrawEntry.objects.filter(draw__campaign=self.campaign).count()
            counts["统一随机号"] = len(tiebreak.order)
        self._settle(StageKind.PUBLIC_ADMIT)
        run = None
        if self._begun(StageKind.ALLOCATION):
            progress("录取分配")
            self._open(StageKind.ALLOCATION)
            run = allocation.run_allocation(self.campaign)
            day = self.dates[StageKind.ALLOCATION][0]
            AllocationRun.objects.filter(pk=run.pk).update(created_at=_at(day, 10))
            counts["录取分配"] = 1
        self._settle(StageKind.ALLOCATION)
        if run is not None and self._begun(StageKind.RESULTS):
            self._open(StageKind.RESULTS)
            allocation.publish(run)
            day = self.dates[StageKind.RESULTS][0]
            AllocationRun.objects.filter(pk=run.pk).update(published_at=_at(day, 10))
        self._settle(StageKind.RESULTS)
        return counts


def _insert(model, rows: list[dict]) -> None:
    """Set-based INSERT of plain dicts (model defaults for the columns they leave out)."""
    if not rows:
        return
    names = list(rows[0])
    fields = [f for f in model._meta.concrete_fields if f.attname not in names and not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    names += list(defaults)
    insert_rows(model, names, ([*r.values(), *defaults.values()] for r in rows))


def wipe() -> None:
    """Children first, one DELETE each; the allocation part's tables before the applications."""
    catchment.wipe()
    with connection.cursor() as cursor:
        for model in (DrawEntry, Draw, ApplicationReview, ApplicationChoice, ApplicationGuardian, Application,
                      SchoolPlan, PriorityTier, CampaignStage, Campaign):  # fmt: skip
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
