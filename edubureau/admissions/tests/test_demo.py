"""The admissions demo: a campaign run from registration to results, on the small demo district
(plus one private primary school, so that a lottery is drawn), as built on 20 July (results out),
and the campaign's stage on other days of the year."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from edubureau.admissions import demo, lottery
from edubureau.admissions.models import (
    AllocationRun,
    Application,
    ApplicationStatus,
    Campaign,
    Draw,
    DrawStatus,
    PriorityTier,
    SchoolPlan,
    StageKind,
)
from edubureau.admissions.services import draws
from edubureau.demo import services as demo_services
from edubureau.org.models import District, Nature, School, Stage

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def on(day: datetime.date):
    """The clock at 10:00 in Shanghai on `day`, standing still."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), TZ), tick=False)


def build_on(day: datetime.date, monkeypatch) -> dict:
    monkeypatch.setattr(demo_services, "EXTENSIONS", [])
    with on(day):
        demo_services.build_demo(seed=2020, scale="small")
        School.objects.create(
            district=District.objects.get(), code="2131009999", name="上海市闵行区民办演示小学", stage=Stage.PRIMARY,
            nature=Nature.PRIVATE,
        )  # fmt: skip
        return demo.build(2020, "small", lambda step, n=0: None)


@pytest.fixture
def small_demo(monkeypatch):
    return build_on(datetime.date(2026, 7, 20), monkeypatch)


def test_it_registers_verifies_and_draws(small_demo):
    campaign = Campaign.objects.get()
    assert small_demo["入学申请"] == Application.objects.count() > 100
    statuses = set(Application.objects.values_list("status", flat=True))
    assert ApplicationStatus.PASSED in statuses
    assert {s.kind for s in campaign.stages.all() if s.is_open} <= {StageKind.RESULTS, StageKind.PUBLIC_ADMIT}
    assert SchoolPlan.objects.filter(campaign=campaign).count() >= 2
    assert Application.objects.filter(tier__isnull=False).count() == Application.objects.count()
    assert PriorityTier.objects.filter(campaign=campaign).count() == 9


def test_every_verified_application_has_its_tie_breaking_number(small_demo):
    verified = Application.objects.filter(status=ApplicationStatus.PASSED)
    assert not verified.filter(lottery_number__isnull=True).exists()
    tiebreak = Draw.objects.get(school=None)
    assert tiebreak.status == DrawStatus.DRAWN
    assert lottery.draw(tiebreak.applicants, tiebreak.seed).order == tiebreak.order


def test_the_draws_form_an_intact_chain(small_demo):
    assert Draw.objects.filter(status=DrawStatus.DRAWN).count() >= 1
    assert draws.check_chain() == []


def test_it_is_deterministic_for_a_seed(small_demo):
    first = list(
        Application.objects.order_by("number").values_list("number", "child_name", "id_number", "tier__rank")
    )
    demo.wipe()
    with on(datetime.date(2026, 7, 20)):
        demo.build(2020, "small", lambda step, n=0: None)
    again = list(
        Application.objects.order_by("number").values_list("number", "child_name", "id_number", "tier__rank")
    )
    assert first == again


def test_wipe_empties_the_admissions_tables(small_demo):
    demo.wipe()
    assert not Application.objects.exists() and not Campaign.objects.exists() and not Draw.objects.exists()


@pytest.mark.parametrize(
    "day, years",
    [
        (datetime.date(2026, 1, 15), (2025, 2026)),
        (datetime.date(2026, 3, 1), (2025, 2026)),
        (datetime.date(2026, 3, 2), (2026, None)),
        (datetime.date(2026, 7, 31), (2026, None)),
        (datetime.date(2026, 8, 1), (2026, 2027)),
        (datetime.date(2026, 12, 8), (2026, 2027)),
    ],
)
def test_it_picks_the_campaigns_of_the_season(day, years):
    assert demo.campaign_years(day) == years


def test_in_march_registration_is_open_and_nothing_is_verified_yet(monkeypatch):
    counts = build_on(datetime.date(2026, 3, 10), monkeypatch)
    campaign = Campaign.objects.get()
    assert campaign.year == 2026 and [s.kind for s in campaign.open_stages()] == [StageKind.REGISTRATION]
    assert 0 < counts["入学申请"] < 400
    assert set(Application.objects.values_list("status", flat=True)) == {ApplicationStatus.PENDING}
    days = {timezone.localtime(a).date() for a in Application.objects.values_list("created_at", flat=True)}
    assert min(days) >= datetime.date(2026, 3, 1) and max(days) <= datetime.date(2026, 3, 9)
    assert not Draw.objects.exists() and not AllocationRun.objects.exists()


def test_the_lottery_is_dated_on_its_stage_not_when_the_demo_ran(monkeypatch):
    build_on(datetime.date(2026, 6, 4), monkeypatch)
    campaign = Campaign.objects.get()
    status = {s.kind: s.status for s in campaign.stages.all()}
    assert status[StageKind.VERIFICATION] == "已结束" and status[StageKind.PRIVATE_LOTTERY] == "进行中"
    assert status[StageKind.PUBLIC_ADMIT] == "未开始"
    draw = Draw.objects.get(school__nature=Nature.PRIVATE)
    assert timezone.localtime(draw.drawn_at).date() == datetime.date(2026, 6, 3)
    assert draw.published_at < draw.drawn_at
    assert not Draw.objects.filter(school=None).exists()  # the tie-breaking number comes in 公办对口录取
    verified = Application.objects.exclude(verified_at=None).values_list("verified_at", flat=True)
    assert all(
        datetime.date(2026, 5, 6) <= timezone.localtime(v).date() <= datetime.date(2026, 5, 25)
        for v in verified
    )


def test_in_december_last_campaign_has_its_results_and_the_next_one_its_plan(monkeypatch):
    build_on(datetime.date(2026, 12, 8), monkeypatch)
    done, ready = Campaign.objects.get(year=2026), Campaign.objects.get(year=2027)
    assert all(s.status == "已结束" for s in done.stages.all())
    run = AllocationRun.objects.get(campaign=done)
    assert timezone.localtime(run.published_at).date() == datetime.date(2026, 7, 15)
    assert Application.objects.filter(campaign=done, admitted_school__isnull=False).exists()
    assert all(s.status == "未开始" for s in ready.stages.all())
    assert SchoolPlan.objects.filter(campaign=ready).exists() and not ready.applications.exists()
    assert ready.created_at < timezone.now()
