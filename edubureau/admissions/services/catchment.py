"""对口 / 学区划分: the campaign's rules as a matcher, address look-up with its explanation, the check of
addresses that match no rule or two rules, and the writes (logged) of rules and groups."""

from dataclasses import dataclass

from django.db import transaction

from edubureau.core import changelog

from ..catchment import Address, Match, Matcher, Rule
from ..models import Application, ApplicationStatus, Campaign, CatchmentGroup, CatchmentRule

MAX_CHECKED = 20_000  # pasted or uploaded addresses per check


def matcher(campaign: Campaign) -> Matcher:
    """The campaign's rules, normalised, in one query (plus one for the groups' sizes)."""
    rules = CatchmentRule.objects.filter(campaign=campaign).select_related("school", "group")
    return Matcher(to_rule(r) for r in rules)


def to_rule(rule: CatchmentRule) -> Rule:
    return Rule(
        id=rule.pk, target=rule.target, street=Address.of(street=rule.street).street,
        community=Address.of(community=rule.community).community, road=Address.of(road=rule.road).road,
        number_from=rule.number_from, number_to=rule.number_to, parity=rule.parity,
    )  # fmt: skip


def address_of(application: Application) -> Address:
    """The structured residence of an application; the free-text address fills what is missing."""
    return address_from(
        application.residence_street, application.residence_community, application.residence_road,
        application.residence_house_no, application.residence_address,
    )  # fmt: skip


RESIDENCE_FIELDS = (
    "residence_street",
    "residence_community",
    "residence_road",
    "residence_house_no",
    "residence_address",
)


def address_from(street: str, community: str, road: str, number: int | None, text: str) -> Address:
    given = Address.of(street, community, road, number)
    if given.road and given.number is not None:
        return given
    parsed = Address.parse(text)
    return Address(
        given.street or parsed.street, given.community or parsed.community, given.road or parsed.road,
        given.number if given.number is not None else parsed.number,
    )  # fmt: skip


@dataclass
class Target:
    """What a matched rule gives: a single school (对口) or the schools of a group (划片)."""

    rule_id: int
    school_ids: list[int]
    is_group: bool


def targets(campaign: Campaign) -> dict[int, Target]:
    """rule id → its school(s); group schools in school-code order."""
    members: dict[int, list[int]] = {}
    through = CatchmentGroup.schools.through.objects.filter(catchmentgroup__campaign=campaign)
    for group_id, school_id in through.order_by("school__code").values_list("catchmentgroup_id", "school_id"):
        members.setdefault(group_id, []).append(school_id)
    return {
        pk: Target(pk, [school_id] if school_id else members.get(group_id, []), school_id is None)
        for pk, school_id, group_id in CatchmentRule.objects.filter(campaign=campaign).values_list(
            "pk", "school_id", "group_id"
        )
    }


def match_applications(campaign: Campaign, applications=None) -> list[tuple[str, Match]]:
    """(报名编号, match) of the campaign's applications (those given), read as values."""
    rules = matcher(campaign)
    if applications is None:
        applications = Application.objects.filter(campaign=campaign).exclude(
            status=ApplicationStatus.RETURNED
        )
    rows = applications.order_by("number").values_list("number", *RESIDENCE_FIELDS)
    return [(number, rules.match(address_from(*residence))) for number, *residence in rows.iterator(2000)]


@dataclass
class CheckRow:
    source: str  # 报名编号, or the line number of a pasted list
    address: str
    status: str
    explanation: str


def check_addresses(campaign: Campaign, lines: list[str] | None = None, applications=None) -> list[CheckRow]:
    """Addresses that match no rule or more than one equally specific rule. `lines`: a pasted or
    uploaded list, one address per line; otherwise the campaign's applications (those given)."""
    rules = matcher(campaign)
    problems = []
    if lines is not None:
        for n, line in enumerate(lines[:MAX_CHECKED], start=1):
            if line.strip():
                found = rules.match(Address.parse(line))
                if found.status != "匹配":
                    problems.append(CheckRow(f"第 {n} 行", line.strip(), found.status, found.explain()))
        return problems
    for number, found in match_applications(campaign, applications):
        if found.status != "匹配":
            problems.append(CheckRow(number, str(found.address), found.status, found.explain()))
    return problems


def lookup(campaign: Campaign, address: Address) -> tuple[Match, list]:
    """The match of one address and, when it matches nothing, the nearby rules and why they miss."""
    rules = matcher(campaign)
    found = rules.match(address)
    return found, rules.near_misses(address) if found.status != "匹配" else []


@transaction.atomic
def save_rule(rule: CatchmentRule, before: dict | None = None) -> CatchmentRule:
    return changelog.update(rule, before) if before is not None else changelog.create(rule)


@transaction.atomic
def save_group(group: CatchmentGroup, schools, before: dict | None = None) -> CatchmentGroup:
    group = changelog.update(group, before) if before is not None else changelog.create(group)
    group.schools.set(schools)
    return group
