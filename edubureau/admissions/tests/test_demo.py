"""The admissions demo: a campaign run from registration to results, on the small demo district
(plus one private primary school, so that a lottery is drawn)."""

import pytest

from edubureau.admissions import demo, lottery
from edubureau.admissions.models import (
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


@pytest.fixture
def small_demo(monkeypatch):
    monkeypatch.setattr(demo_services, "EXTENSIONS", [])
    demo_services.build_demo(seed=2020, scale="small")
    School.objects.create(
        district=District.objects.get(), code="2131009999", name="上海市闵行区民办演示小学", stage=Stage.PRIMARY,
        nature=Nature.PRIVATE,
    )  # fmt: skip
    return demo.build(2020, "small", lambda step, n=0: None)


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
    demo.build(2020, "small", lambda step, n=0: None)
    again = list(
        Application.objects.order_by("number").values_list("number", "child_name", "id_number", "tier__rank")
    )
    assert first == again


def test_wipe_empties_the_admissions_tables(small_demo):
    demo.wipe()
    assert not Application.objects.exists() and not Campaign.objects.exists() and not Draw.objects.exists()
