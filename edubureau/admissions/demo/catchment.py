"""Demo catchment: one road per public school (odd side and even side), every fourth road shared by
two schools (多校划片), school locations around the district centre. Called by admissions/demo/.

    build_rules(campaign) -> int          rules written (and the groups and locations they need)
    demo_addresses(campaign) -> list[dict] residence fields that the rules cover, for the demo's
                                           applications (house numbers 1–200 are all covered)
"""

import random

from django.db import transaction

from edubureau.org.models import Nature, School

from ..models import CatchmentGroup, CatchmentRule, HouseParity, SchoolLocation, SchoolPlan

TOWNS = (
    "莘庄镇",
    "七宝镇",
    "古美路街道",
    "江川路街道",
    "虹桥镇",
    "梅陇镇",
    "颛桥镇",
    "华漕镇",
    "浦江镇",
    "马桥镇",
)
ROAD_NAMES = "莘松 七莘 古美 江川 虹梅 梅陇 颛兴 华漕 浦星 马桥 沪闵 莲花 龙吴 春申 银都 都市 剑川 东川 北翟 吴中".split()
CENTRE = (121.381, 31.112)  # 闵行区


def _public_schools(campaign) -> list[School]:
    ids = SchoolPlan.objects.filter(campaign=campaign).values("school_id")
    return list(School.objects.filter(pk__in=ids).exclude(nature=Nature.PRIVATE).order_by("code"))


def road_of(k: int) -> str:
    return (
        f"{ROAD_NAMES[k % len(ROAD_NAMES)]}{'路' if k < len(ROAD_NAMES) else f'{k // len(ROAD_NAMES) + 1}路'}"
    )


@transaction.atomic
def build_rules(campaign, seed: int = 2026) -> int:
    """Rules for the campaign's public schools (set-based; no change records: demo data)."""
    schools = _public_schools(campaign)
    rng = random.Random(seed)
    planned = SchoolPlan.objects.filter(campaign=campaign).values("school_id")
    missing = School.objects.filter(pk__in=planned, location__isnull=True).order_by("code")
    SchoolLocation.objects.bulk_create([
        SchoolLocation(school=s, longitude=round(CENTRE[0] + rng.uniform(-0.12, 0.12), 6),
                       latitude=round(CENTRE[1] + rng.uniform(-0.10, 0.10), 6))
        for s in missing
    ])  # fmt: skip
    rules = []
    for k, school in enumerate(schools):
        town, road = TOWNS[k % len(TOWNS)], road_of(k)
        if k % 4 == 3 and k + 1 < len(schools):  # 多校划片: this road is shared with the next school
            group = CatchmentGroup.objects.create(campaign=campaign, name=f"{road}片区")
            group.schools.set([school, schools[k + 1]])
            rules.append(
                CatchmentRule(campaign=campaign, street=town, road=road, group=group, note="演示：多校划片")
            )
            continue
        rules.append(CatchmentRule(campaign=campaign, street=town, road=road, number_from=1, number_to=199,
                                   parity=HouseParity.ODD, school=school, note="演示：单号"))  # fmt: skip
        even_school = school if k % 3 else schools[(k + 1) % len(schools)]  # some roads split by side
        rules.append(CatchmentRule(campaign=campaign, street=town, road=road, number_from=2, number_to=200,
                                   parity=HouseParity.EVEN, school=even_school, note="演示：双号"))  # fmt: skip
    CatchmentRule.objects.bulk_create(rules)
    return len(rules)


def demo_addresses(campaign) -> list[dict]:
    """One entry per covered road: residence_street / residence_road / residence_community."""
    return [
        {
            "residence_street": TOWNS[k % len(TOWNS)],
            "residence_road": road_of(k),
            "residence_community": f"{road_of(k)[:-1]}小区",
        }
        for k in range(len(_public_schools(campaign)))
    ]


def wipe() -> None:
    """Children first: placements and appeals go with their applications and runs (CASCADE)."""
    from ..models import AllocationRun

    AllocationRun.objects.all().delete()
    CatchmentRule.objects.all().delete()
    CatchmentGroup.objects.all().delete()
    SchoolLocation.objects.all().delete()
