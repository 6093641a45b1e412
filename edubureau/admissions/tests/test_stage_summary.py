from django.utils import timezone

from edubureau.admissions.models import Campaign, StageKind

from .conftest import open_stages


def fresh(campaign):
    return Campaign.objects.prefetch_related("stages").get(pk=campaign.pk)


def test_it_names_the_next_stage_and_its_date_before_the_campaign_starts(campaign):
    first = campaign.stages.order_by("order").first()
    first.planned_start = timezone.localdate().replace(year=2027, month=3, day=1)
    first.save()
    summary = fresh(campaign).stage_summary
    assert summary.startswith("未开始") and first.get_kind_display() in summary and "2027-03-01" in summary


def test_it_names_the_open_stages(campaign):
    open_stages(campaign, StageKind.REGISTRATION)
    assert fresh(campaign).stage_summary == fresh(campaign).stage(StageKind.REGISTRATION).get_kind_display()


def test_it_says_when_every_stage_is_over(campaign):
    now = timezone.now()
    campaign.stages.update(opened_at=now, closed_at=now)
    assert fresh(campaign).stage_summary == "已全部结束"
