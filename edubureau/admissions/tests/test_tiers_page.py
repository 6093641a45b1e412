"""The bureau edits the ordered priority tiers on a page; applications are re-classified and logged."""

from django.urls import reverse

from edubureau.admissions.models import PriorityTier
from edubureau.admissions.services.applications import register
from edubureau.core import changelog

from .conftest import registration

TWO_TIERS = '1 | 人户一致且满五年 | {"person_household": "一致", "min_holding_years": 5}\n2 | 其他 | {}'


def test_it_replaces_the_tiers_and_reclassifies(login, admin_user, open_campaign):
    app = register(open_campaign, registration())  # 房产 since 2018: 8 years by 31 August 2026
    assert app.tier.rank == 1
    response = login(admin_user).post(
        reverse("admissions:campaign_tiers", args=[open_campaign.pk]), {"tiers": TWO_TIERS}
    )
    assert response.status_code == 302
    assert list(PriorityTier.objects.filter(campaign=open_campaign).values_list("rank", "name")) == [
        (1, "人户一致且满五年"), (2, "其他"),
    ]  # fmt: skip
    app.refresh_from_db()
    assert app.tier.name == "人户一致且满五年" and "持有 8 年" in app.tier_explanation
    assert changelog.history(app).filter(action="update").exists()


def test_bad_lines_are_refused_with_the_line_number(login, admin_user, open_campaign):
    client = login(admin_user)
    url = reverse("admissions:campaign_tiers", args=[open_campaign.pk])
    response = client.post(url, {"tiers": "1 | 甲 | {}\n2 | 乙 | {not json}"})
    assert response.status_code == 400 and "第 2 行的条件不是有效的 JSON" in response.content.decode()
    response = client.post(url, {"tiers": '1 | 甲 | {"colour": "red"}'})
    assert "未知的顺位条件" in response.content.decode()
    assert PriorityTier.objects.filter(campaign=open_campaign).count() == 9


def test_schools_cannot_edit_tiers(login, school_a_admin, open_campaign):
    assert login(school_a_admin).get(
        reverse("admissions:campaign_tiers", args=[open_campaign.pk])
    ).status_code in (403, 404)


def test_it_shows_and_takes_the_conditions_in_words(login, admin_user, open_campaign):
    client = login(admin_user)
    url = reverse("admissions:campaign_tiers", args=[open_campaign.pk])
    page = client.get(url).content.decode()
    assert (
        "1 | 人户一致，父母或本人 100% 产权 | 人户一致；居住证明：房产证；产权人：父母；产权份额 100%" in page
    )
    assert "person_household" not in page and "{" not in page.split('name="tiers"')[1].split("</textarea>")[0]
    response = client.post(
        url, {"tiers": "1 | 人户一致且满五年 | 人户一致；持有至少 5 年\n2 | 其他 | 其他所有申请"}
    )
    assert response.status_code == 302
    assert list(PriorityTier.objects.filter(campaign=open_campaign).values_list("conditions", flat=True)) == [
        {"person_household": "一致", "min_holding_years": 5}, {},
    ]  # fmt: skip
    detail = client.get(reverse("admissions:campaign_detail", args=[open_campaign.pk])).content.decode()
    assert "人户一致；持有至少 5 年" in detail and "其他所有申请" in detail and "{&#x27;" not in detail


def test_it_names_the_line_of_a_condition_it_does_not_understand(login, admin_user, open_campaign):
    response = login(admin_user).post(
        reverse("admissions:campaign_tiers", args=[open_campaign.pk]), {"tiers": "1 | 甲 | 人户一致；红色"}
    )
    assert response.status_code == 400 and "第 1 行：不认识的条件“红色”" in response.content.decode()


def test_the_audit_log_shows_a_tiers_conditions_in_words(login, admin_user, open_campaign):
    from edubureau.core.models import ChangeRecord

    client = login(admin_user)
    client.post(reverse("admissions:campaign_tiers", args=[open_campaign.pk]), {"tiers": TWO_TIERS})
    tier = PriorityTier.objects.get(campaign=open_campaign, rank=1)
    record = ChangeRecord.objects.get(content_type__model="prioritytier", object_id=str(tier.pk))
    response = client.get(reverse("core:change_detail", args=[record.pk]))
    assert {row["name"]: row["after"] for row in response.context["rows"]}[
        "conditions"
    ] == "人户一致；持有至少 5 年"
