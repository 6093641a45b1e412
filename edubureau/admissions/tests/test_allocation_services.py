"""run_allocation: private results first, then catchment by tier and lottery, then 统筹, then 未录取."""

import pytest
from django.core.exceptions import ValidationError

from edubureau.admissions.models import (
    AllocationRun,
    Appeal,
    Application,
    Placement,
    PlacementReason,
    StageKind,
)
from edubureau.admissions.services import allocation, campaigns

from .allocation_fixtures import ready_for_allocation, verified
from .conftest import open_stages


@pytest.fixture
def crowded(open_campaign, catchment_rules, school_a, school_b, school_p, admin_user):
    """A: 2 places, B: 3 places, P (private): 3 places. Six public applicants, one private."""
    campaigns.set_plan(open_campaign, school_a, 1, class_size=2)
    campaigns.set_plan(open_campaign, school_b, 1, class_size=3)
    people = {
        "odd": verified(open_campaign, admin_user, 3),  # 莘松路88弄5号 → A (对口)
        "even": verified(open_campaign, admin_user, 1, residence_house_no=6),  # → B (对口)
        "town": verified(
            open_campaign, admin_user, 1, residence_road="莘北路", residence_house_no=3
        ),  # 划片 A/B
        "away": verified(
            open_campaign,
            admin_user,
            1,
            residence_street="七宝镇",
            residence_road="七莘路",
            residence_house_no=1,
            residence_address="七宝镇七莘路1号",
        ),  # no rule  # fmt: skip
        "private": verified(open_campaign, admin_user, 1, private=[school_p]),
    }
    ready_for_allocation(open_campaign, admin_user)
    return people


def placement(run, application):
    return Placement.objects.get(run=run, application=application)


def test_it_places_private_then_catchment_then_assigns_the_rest(
    crowded, open_campaign, school_a, school_b, school_p, admin_user
):
    run = allocation.run_allocation(open_campaign, "da", admin_user)
    assert (run.applicants, run.placed, run.unplaced) == (7, 6, 1)
    assert placement(run, crowded["private"][0]).reason == PlacementReason.PRIVATE_LOTTERY
    assert placement(run, crowded["private"][0]).school == school_p
    even = placement(run, crowded["even"][0])
    assert (even.school, even.reason, even.choice_rank) == (school_b, PlacementReason.CATCHMENT, 1)
    counts = {s: Placement.objects.filter(run=run, school=s).count() for s in (school_a, school_b)}
    assert counts == {school_a: 2, school_b: 3}  # every public place is used, none over
    unplaced = Placement.objects.get(run=run, reason=PlacementReason.UNPLACED)
    assert unplaced.nearest == [] and "未找到" in unplaced.explanation
    odd = [placement(run, a) for a in crowded["odd"]]
    assert {p.reason for p in odd if p.school == school_a} == {PlacementReason.CATCHMENT}
    assert run.stats["by_reason"]["民办摇号录取"] == 1 and len(run.inputs_hash) == 64
    assert Application.objects.get(pk=crowded["odd"][0].pk).catchment_school == school_a
    assert (
        Application.objects.get(pk=crowded["town"][0].pk).catchment_school is None
    )  # 划片: no single school


def test_it_gives_catchment_applicants_their_school_by_lottery_number(crowded, open_campaign, school_a):
    run = allocation.run_allocation(open_campaign)
    odd = sorted(
        crowded["odd"] + crowded["town"], key=lambda a: Application.objects.get(pk=a.pk).lottery_number
    )
    at_a = [a.pk for a in odd if placement(run, a).school == school_a]
    # Same tier for all of them: the two smallest lottery numbers win school A's two places.
    assert at_a == [odd[0].pk, odd[1].pk]


def test_it_refuses_to_run_before_the_stage_or_without_lottery_numbers(
    open_campaign, catchment_rules, admin_user
):
    verified(open_campaign, admin_user, 2)
    with pytest.raises(campaigns.StageClosed, match="公办对口录取"):
        allocation.run_allocation(open_campaign)
    open_stages(open_campaign, StageKind.PUBLIC_ADMIT)
    with pytest.raises(ValidationError, match="还没有随机号"):
        allocation.run_allocation(open_campaign)
    assert not AllocationRun.objects.exists()


def test_it_forms_classes_within_the_standard_and_refuses_over_capacity(crowded, open_campaign, school_b):
    run = allocation.run_allocation(open_campaign)
    campaigns.set_plan(open_campaign, school_b, 2, class_size=2)  # 4 places for 3 children: two classes
    assert allocation.form_classes(run, school_b) == 3
    sizes = allocation.class_sizes(run, school_b)
    assert [k for k, _ in sizes] == [1, 2] and sorted(n for _, n in sizes) == [1, 2]
    campaigns.set_plan(open_campaign, school_b, 1, class_size=2)  # 2 places for 3 children
    with pytest.raises(ValidationError, match="超过计划学位 2 个"):
        allocation.form_classes(run, school_b)
    assert allocation.class_sizes(run, school_b) == sizes  # unchanged


def test_publishing_sets_admitted_schools_once(crowded, open_campaign, school_b, admin_user):
    run = allocation.run_allocation(open_campaign)
    with pytest.raises(campaigns.StageClosed, match="结果公布"):
        allocation.publish(run, admin_user)
    open_stages(open_campaign, StageKind.RESULTS)
    allocation.publish(run, admin_user)
    assert Application.objects.get(pk=crowded["even"][0].pk).admitted_school == school_b
    other = allocation.run_allocation(open_campaign, "ia")
    with pytest.raises(ValidationError, match=f"已公布第 {run.pk} 次"):
        allocation.publish(other, admin_user)


def test_appeals_are_recorded_and_answered(crowded, admin_user):
    appeal = allocation.file_appeal(crowded["away"][0], "我家住七宝镇，希望就近入学。", user=admin_user)
    with pytest.raises(ValidationError):
        allocation.answer_appeal(appeal, "已支持", " ", admin_user)
    allocation.answer_appeal(appeal, "不予支持", "七宝镇学位已满，已统筹安排。", admin_user)
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.handled_by) == ("不予支持", admin_user)
