"""Demo data of admissions: the district's 2026 小学一年级 campaign, run from registration to results.

About 38,000 registrations at full scale (the bureau's "预计招录新生38253人"), each living on a road
the catchment rules cover (a few on roads they miss, for the check page), with 户籍/residence facts
drawn so that every priority tier occurs; most are verified, some returned for correction, a few
pending. About one family in seven chooses a private school; the popular ones are oversubscribed and
draw their lotteries with a public seed through the same services as the pages (published list,
frozen order, hash chain), then the single tie-breaking number is drawn, and the allocation runs and
is published when helper modules for catchment and allocation are present.

Registrations are written set-based (bulk_create); the draws, the allocation and the stage changes
go through the services. Deterministic for a seed, apart from the timestamps of the draws.
"""

from __future__ import annotations

import datetime
import logging
import math
import random
from collections import Counter
from types import SimpleNamespace

from django.db import connection, transaction

from edubureau.core import demodata as gen
from edubureau.core.importing import allocate_ids, insert_rows
from edubureau.org.models import Nature, School, Stage

from .. import priority
from ..models import (
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
YEAR = 2026
FULL_APPLICANTS = 38253
PRIVATE_SHARE = 0.14
BATCH = 5000
REGISTERED_AT = datetime.datetime(2026, 4, 25, 2, 0, tzinfo=datetime.UTC)
VERIFIED_AT = datetime.datetime(2026, 5, 20, 2, 0, tzinfo=datetime.UTC)
UNCOVERED = {"residence_street": "浦锦", "residence_road": "未划片路", "residence_community": "新建小区"}
# Planned dates of the stages (the demo campaign has run them all; 结果公布 stays open).
STAGE_DATES = {
    StageKind.REGISTRATION: (datetime.date(2026, 4, 20), datetime.date(2026, 5, 10)),
    StageKind.VERIFICATION: (datetime.date(2026, 5, 11), datetime.date(2026, 5, 25)),
    StageKind.PRIVATE_APPLY: (datetime.date(2026, 5, 20), datetime.date(2026, 5, 28)),
    StageKind.PRIVATE_LOTTERY: (datetime.date(2026, 6, 3), datetime.date(2026, 6, 5)),
    StageKind.PUBLIC_ADMIT: (datetime.date(2026, 6, 10), datetime.date(2026, 6, 30)),
    StageKind.ALLOCATION: (datetime.date(2026, 7, 1), datetime.date(2026, 7, 10)),
    StageKind.RESULTS: (datetime.date(2026, 7, 15), datetime.date(2026, 7, 31)),
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
    progress("招生入学")
    with transaction.atomic():
        campaign = campaigns.create_campaign(
            year=YEAR, entry_grade=EntryGrade.PRIMARY, name=f"{YEAR}年小学一年级招生", stage_dates=STAGE_DATES
        )
        builder = _Builder(rng, campaign, public, private, n)
        counts = builder.write()
        counts.update(builder.run_process(seed, progress))
    return counts


class _Builder:
    def __init__(self, rng, campaign, public, private, n):
        self.rng, self.campaign, self.public, self.private, self.n = rng, campaign, public, private, n
        self.ids = gen.IdNumbers(rng)

    # ---- plans and registrations ----

    def write(self) -> dict[str, int]:
        rng, n = self.rng, self.n
        weights = [rng.uniform(0.4, 1.6) for _ in self.public]
        home = rng.choices(range(len(self.public)), weights=weights, k=n)
        demand = Counter(home)
        plans = [
            SchoolPlan(
                campaign=self.campaign, school=s, planned_classes=max(1, math.ceil(demand[k] * 1.03 / 45))
            )
            for k, s in enumerate(self.public)
        ]
        # Private schools: few places, uneven popularity, so the popular ones are oversubscribed.
        popularity = [rng.choice([0.3, 0.8, 1.5, 3.0]) for _ in self.private]
        plans += [
            SchoolPlan(campaign=self.campaign, school=s, planned_classes=rng.randint(2, 4))
            for s in self.private
        ]
        SchoolPlan.objects.bulk_create(plans)
        self.addresses = self._addresses()
        self.apps = self._applications(home, popularity)
        return {"招生计划": len(plans), "入学申请": len(self.apps)}

    def _addresses(self) -> list[dict]:
        catchment.build_rules(self.campaign)
        return catchment.demo_addresses(self.campaign)

    def _applications(self, home, popularity) -> list[int]:
        rng, campaign = self.rng, self.campaign
        tiers = list(PriorityTier.objects.filter(campaign=campaign))
        tier_ids = {t.rank: t.pk for t in tiers}
        rules = [(t.rank, t.name, t.conditions) for t in tiers]
        on = cutoff(campaign)
        tier_cache: dict = {}
        prefix = f"{YEAR}{NUMBER_CODES[campaign.entry_grade]}"
        housing, housing_w = zip(*HOUSING, strict=True)
        private_pick = (
            rng.choices(range(len(self.private)), weights=popularity, k=self.n) if self.private else []
        )
        ids = allocate_ids(Application, self.n)
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
            since = datetime.date(rng.randint(2010, 2025), rng.randint(1, 12), 1) if proof != "其他" else None
            facts = priority.Facts(
                person_household_same=same, proof=proof, owner=owner, share=share, hukou_local=hukou_type == "本区",
                residence_permit=migrant, points_met=migrant and rng.random() < 0.5,
            )  # fmt: skip
            if facts not in tier_cache:
                tier_cache[facts] = priority.classify(rules, facts, on)
            rank, why = tier_cache[facts]
            r = rng.random()
            status = "通过" if r < 0.96 else "退回补正" if r < 0.985 else "待验证"
            family = gen.surname(rng)
            town = address["residence_street"].removesuffix("镇").removesuffix("街道")
            town = town if town in gen.TOWN_ROADS else "莘庄"
            full_address = f"上海市闵行区{address['residence_street']}{address['residence_road']}{house_no}号"
            papers = SimpleNamespace(campaign=campaign, residence_proof=proof, is_migrant=migrant)
            documents = required_documents(papers) if status == "通过" else []
            reason = "房产证明材料不清晰，请补交" if status == "退回补正" else ""
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
                "verified_at": VERIFIED_AT if status != "待验证" else None, "tier_id": tier_ids.get(rank),
                "tier_explanation": why[:300], "created_at": REGISTERED_AT,
            })  # fmt: skip
            guardians.append({
                "application_id": pk, "name": gen.person_name(rng, "男", 1990, family), "relation": "父亲",
                "phone": gen.mobile(rng), "residence_permit": migrant, "insurance_months": 12 if migrant else 0,
            })  # fmt: skip
            if self.private and rng.random() < PRIVATE_SHARE:
                choices.append(
                    {
                        "application_id": pk,
                        "kind": "民办",
                        "rank": 1,
                        "school_id": self.private[private_pick[i]].pk,
                    }
                )
            if status != "待验证":
                reviews.append({"application_id": pk, "status": status, "reason": reason, "documents": documents,
                                "user_name": "基教科 李老师", "time": VERIFIED_AT})  # fmt: skip
        for model, rows in ((Application, apps), (ApplicationGuardian, guardians), (ApplicationChoice, choices),
                            (ApplicationReview, reviews)):  # fmt: skip
            _insert(model, rows)
        return ids

    # ---- the process: lotteries, tie-break numbers, allocation, results ----

    def _stage(self, kind, *, open_: bool) -> None:
        """Demo time line: the bureau opened and closed the stage on its planned dates."""
        start, end = STAGE_DATES[kind]
        opened = datetime.datetime.combine(start, datetime.time(1), tzinfo=datetime.UTC)
        closed = None if open_ else datetime.datetime.combine(end, datetime.time(10), tzinfo=datetime.UTC)
        CampaignStage.objects.filter(campaign=self.campaign, kind=kind).update(
            opened_at=opened, closed_at=closed
        )

    def run_process(self, seed: int, progress) -> dict[str, int]:
        counts: dict[str, int] = {}
        for kind in (StageKind.REGISTRATION, StageKind.VERIFICATION, StageKind.PRIVATE_APPLY):
            self._stage(kind, open_=False)
        progress("民办摇号")
        self._stage(StageKind.PRIVATE_LOTTERY, open_=True)
        n_draws = 0
        for row in draws.demand(self.campaign):
            if row["oversubscribed"]:
                draw = draws.publish_private_draw(self.campaign, row["school"])
                draws.perform_draw(draw, f"{seed}-{row['school'].code[-3:]}-{self.rng.randint(100000, 999999)}",
                                   witnesses="区公证处公证员、家长代表")  # fmt: skip
                n_draws += 1
        self._stage(StageKind.PRIVATE_LOTTERY, open_=False)
        counts["民办摇号"] = n_draws
        progress("统一随机号")
        self._stage(StageKind.PUBLIC_ADMIT, open_=True)
        tiebreak = draws.assign_lottery_numbers(
            self.campaign, f"{seed}-统一随机号-{self.rng.randint(100000, 999999)}"
        )
        counts["摇号结果"] = DrawEntry.objects.filter(draw__campaign=self.campaign).count()
        counts["统一随机号"] = len(tiebreak.order)
        progress("录取分配")
        self._stage(StageKind.ALLOCATION, open_=True)
        run = allocation.run_allocation(self.campaign)
        self._stage(StageKind.PUBLIC_ADMIT, open_=False)
        self._stage(StageKind.ALLOCATION, open_=False)
        self._stage(StageKind.RESULTS, open_=True)
        allocation.publish(run)
        counts["录取分配"] = 1
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
