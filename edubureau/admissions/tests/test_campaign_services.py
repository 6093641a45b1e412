import datetime

import pytest
from django.core.exceptions import ValidationError

from edubureau.admissions.models import Campaign, EntryGrade, PriorityTier, StageKind
from edubureau.admissions.services import campaigns
from edubureau.admissions.services.applications import register
from edubureau.core.models import ChangeRecord

from .conftest import open_stages, registration


def test_it_creates_the_seven_stages_closed_with_the_grade_defaults(campaign):
    assert [s.kind for s in campaign.stages.all()] == list(StageKind.values)
    assert not any(s.is_open for s in campaign.stages.all())
    assert campaign.class_size == 45
    assert (campaign.birth_from, campaign.birth_to) == (datetime.date(2019, 9, 1), datetime.date(2020, 8, 31))
    assert PriorityTier.objects.filter(campaign=campaign).count() == 9


def test_it_uses_25_for_kindergarten_and_50_for_junior(db):
    k = campaigns.create_campaign(year=2026, entry_grade=EntryGrade.KINDERGARTEN)
    j = campaigns.create_campaign(year=2026, entry_grade=EntryGrade.JUNIOR)
    assert (k.class_size, j.class_size) == (25, 50)
    assert k.birth_to == datetime.date(2023, 8, 31)
    assert j.birth_from is None


def test_it_computes_places_as_classes_times_class_size(campaign, school_a, school_p):
    places = campaigns.places_by_school(campaign)
    assert places[school_a.pk] == 4 * 45
    assert places[school_p.pk] == 3


def test_it_refuses_a_plan_for_a_school_of_another_stage(campaign, district):
    from edubureau.org.models import School, Stage

    kg = School.objects.create(district=district, code="1131000001", name="幼儿园", stage=Stage.KINDERGARTEN)
    with pytest.raises(ValidationError, match="不招收"):
        campaigns.set_plan(campaign, kg, 2)


def test_it_refuses_registration_before_the_stage_is_opened(campaign):
    with pytest.raises(campaigns.StageClosed, match="「信息登记」阶段尚未开启"):
        register(campaign, registration())


def test_it_refuses_registration_after_the_stage_is_closed(campaign):
    open_stages(campaign, StageKind.REGISTRATION)
    campaigns.close_stage(campaign, StageKind.REGISTRATION)
    with pytest.raises(campaigns.StageClosed, match="已于 .* 关闭"):
        register(campaign, registration())


def test_it_logs_opening_and_closing_and_refuses_doing_it_twice(campaign, admin_user):
    stage = campaigns.open_stage(campaign, StageKind.REGISTRATION, admin_user)
    assert stage.is_open and stage.opened_by == admin_user
    with pytest.raises(ValidationError, match="已经开启"):
        campaigns.open_stage(campaign, StageKind.REGISTRATION, admin_user)
    campaigns.close_stage(campaign, StageKind.REGISTRATION, admin_user)
    with pytest.raises(ValidationError, match="未开启"):
        campaigns.close_stage(campaign, StageKind.REGISTRATION, admin_user)
    assert ChangeRecord.objects.filter(object_repr__contains="信息登记").count() == 2


def test_it_refuses_a_second_campaign_for_the_same_year_and_grade(campaign):
    with pytest.raises(ValidationError, match="已有招生工作"):
        campaigns.create_campaign(year=2026, entry_grade=EntryGrade.PRIMARY)
    assert Campaign.objects.count() == 1


def test_it_refuses_unknown_tier_conditions(campaign):
    with pytest.raises(ValidationError, match="未知的顺位条件"):
        campaigns.set_tiers(campaign, [(1, "甲", {"colour": "red"})])
    assert PriorityTier.objects.filter(campaign=campaign).count() == 9
