"""The admissions pages through HTTP: campaigns and stages, registration, verification, lists, exports."""

import datetime

from django.urls import reverse

from edubureau.admissions.models import Application, ApplicationStatus, Campaign, CampaignStage, StageKind
from edubureau.admissions.services.applications import register, required_documents
from edubureau.core.models import AccessRecord, ChangeRecord
from edubureau.core.testing import read_xlsx

from .conftest import child_id, open_stages, registration


def form_data(campaign, school_p=None, **child):
    birth = child.pop("birth_date", datetime.date(2020, 3, 5))
    data = {
        "child_name": "王小明", "gender": "男", "birth_date": birth.isoformat(), "id_type": "居民身份证",
        "id_number": child_id(birth), "hukou_type": "本区", "hukou_address": "上海市闵行区莘庄镇莘松路 88 弄 5 号",
        "residence_street": "莘庄镇", "residence_address": "上海市闵行区莘庄镇莘松路 88 弄 5 号",
        "person_household_same": "on", "residence_proof": "房产证", "property_owner": "父母", "property_share": "100",
        "property_since": "2018-01-01", "g1_name": "王大明", "g1_relation": "父亲", "g1_phone": "13812345678",
    }  # fmt: skip
    if school_p:
        data["民办_1"] = school_p.pk
    data.update(child)
    return data


def test_the_bureau_creates_a_campaign_with_default_class_size_and_window(login, admin_user):
    client = login(admin_user)
    response = client.post(
        reverse("admissions:campaign_add"),
        {
            "year": 2027,
            "entry_grade": "小学一年级",
            "name": "",
            "max_private_choices": 1,
            "max_public_choices": 0,
        },
    )
    campaign = Campaign.objects.get(year=2027)
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    assert campaign.class_size == 45 and campaign.birth_to == datetime.date(2021, 8, 31)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "信息登记" in page and "结果公布" in page and "人户一致，父母或本人 100% 产权" in page


def test_a_school_cannot_create_campaigns_or_open_stages(login, school_a_admin, campaign):
    client = login(school_a_admin)
    assert client.get(reverse("admissions:campaign_add")).status_code == 403
    stage = campaign.stages.get(kind=StageKind.REGISTRATION)
    assert client.post(reverse("admissions:stage_open", args=[stage.pk])).status_code == 403
    assert not CampaignStage.objects.get(pk=stage.pk).is_open


def test_the_bureau_opens_and_closes_a_stage_from_the_campaign_page(login, admin_user, campaign):
    client = login(admin_user)
    stage = campaign.stages.get(kind=StageKind.REGISTRATION)
    client.post(reverse("admissions:stage_open", args=[stage.pk]))
    assert CampaignStage.objects.get(pk=stage.pk).is_open
    client.post(reverse("admissions:stage_close", args=[stage.pk]))
    stage.refresh_from_db()
    assert stage.closed_at is not None and not stage.is_open


def test_registration_is_refused_on_the_page_while_the_stage_is_closed(login, admin_user, campaign):
    response = login(admin_user).post(
        reverse("admissions:application_add", args=[campaign.pk]), form_data(campaign)
    )
    assert response.status_code == 400
    assert "「信息登记」阶段尚未开启" in response.content.decode()
    assert not Application.objects.exists()


def test_registration_through_the_page_creates_a_numbered_application(
    login, admin_user, open_campaign, school_p
):
    client = login(admin_user)
    response = client.post(
        reverse("admissions:application_add", args=[open_campaign.pk]), form_data(open_campaign, school_p)
    )
    app = Application.objects.get()
    assert response.status_code == 302 and response.url == app.get_absolute_url()
    assert app.number == "2026P000001" and app.tier.rank == 1
    assert [(c.kind, c.school) for c in app.choices.all()] == [("民办", school_p)]
    assert app.guardians.get().name == "王大明"
    page = client.get(app.get_absolute_url()).content.decode()
    assert "第1类「人户一致，父母或本人 100% 产权」" in page


def test_a_duplicate_registration_shows_the_existing_number(login, admin_user, open_campaign):
    client = login(admin_user)
    data = form_data(open_campaign)
    client.post(reverse("admissions:application_add", args=[open_campaign.pk]), data)
    response = client.post(reverse("admissions:application_add", args=[open_campaign.pk]), data)
    assert response.status_code == 400
    assert "已有报名（报名编号 2026P000001）" in response.content.decode()
    assert Application.objects.count() == 1


def test_a_child_too_young_is_refused_with_the_window(login, admin_user, open_campaign):
    data = form_data(open_campaign, birth_date=datetime.date(2020, 9, 1))
    response = login(admin_user).post(reverse("admissions:application_add", args=[open_campaign.pk]), data)
    assert "2019-09-01 至 2020-08-31" in response.content.decode()


def test_verification_through_the_page(login, admin_user, application):
    client = login(admin_user)
    url = reverse("admissions:application_verify", args=[application.pk])
    client.post(url, {"decision": "return", "documents": ["户口簿"], "reason": "缺出生医学证明"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED and application.return_reason == "缺出生医学证明"
    client.post(url, {"decision": "pass", "documents": required_documents(application)})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PASSED and application.verified_by == admin_user
    page = client.get(application.get_absolute_url()).content.decode()
    assert "缺出生医学证明" in page and 'id="verify-form"' not in page


def test_a_school_sees_only_applications_naming_it(
    login, open_campaign, school_a, school_b, school_a_admin, school_b_admin
):
    open_campaign.max_public_choices = 1
    open_campaign.save()
    mine = register(open_campaign, registration(public=[school_a], child_name="甲校申请人"))
    other = register(open_campaign, registration(public=[school_b], child_name="乙校申请人"))
    client = login(school_a_admin)
    page = client.get(reverse("admissions:application_list")).content.decode()
    assert "甲校申请人" in page and "乙校申请人" not in page
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert login(school_b_admin).get(mine.get_absolute_url()).status_code == 404


def test_the_child_id_is_masked_unless_unmasked_and_logged(login, admin_user, application):
    client = login(admin_user)
    page = client.get(application.get_absolute_url()).content.decode()
    assert application.id_number not in page
    page = client.get(application.get_absolute_url() + "?unmask=1").content.decode()
    assert application.id_number in page
    assert AccessRecord.objects.filter(kind="unmask").exists()


def test_the_application_list_searches_filters_and_exports(login, admin_user, open_campaign):
    a = register(open_campaign, registration(child_name="张三"))
    register(
        open_campaign, registration(child_name="李四", person_household_same=False, residence_proof="租赁")
    )
    client = login(admin_user)
    page = client.get(reverse("admissions:application_list"), {"q": "张三"}).content.decode()
    assert "张三" in page and "李四" not in page
    page = client.get(reverse("admissions:application_list"), {"tier": 8}).content.decode()
    assert "李四" in page and "张三" not in page
    rows = read_xlsx(client.get(reverse("admissions:application_export"), {"number": a.number}))
    assert rows[1][0] == a.number and "莘庄镇" in rows[1]


def test_the_plan_list_shows_places_against_applicants(login, admin_user, application, school_p):
    rows = read_xlsx(login(admin_user).get(reverse("admissions:plan_export"), {"nature": "民办"}))
    header, row = rows[0], rows[1]
    assert row[header.index("招生名额")] == 3 and row[header.index("民办志愿人数")] == 1


def test_a_correction_after_verification_needs_a_reason_on_the_page(login, admin_user, application):
    from edubureau.admissions.services.applications import verify

    verify(application, user=admin_user, passed=True, documents=required_documents(application))
    client = login(admin_user)
    url = reverse("admissions:application_edit", args=[application.pk])
    data = form_data(application.campaign)
    data.update(
        id_number=application.id_number, birth_date=application.birth_date.isoformat(), residence_house_no="9"
    )
    data["民办_1"] = application.choices.get().school_id
    response = client.post(url, data)
    assert "须填写修改原因" in response.content.decode()
    response = client.post(url, data | {"reason": "门牌号更正"})
    assert response.status_code == 302
    assert ChangeRecord.objects.filter(after__修改原因="门牌号更正").exists()


def test_stage_gating_refuses_verification_on_the_page(login, admin_user, campaign):
    open_stages(campaign, StageKind.REGISTRATION)
    app = register(campaign, registration())
    client = login(admin_user)
    response = client.post(
        reverse("admissions:application_verify", args=[app.pk]), {"decision": "pass", "documents": required_documents(app)},
        follow=True,
    )  # fmt: skip
    assert "「验证」阶段尚未开启" in response.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PENDING
