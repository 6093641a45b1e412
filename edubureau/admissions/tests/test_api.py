"""The admissions API: validated, idempotent registrations (409 on a second POST), reads of draws."""

import datetime

import pytest
from rest_framework.test import APIClient

from edubureau.admissions.models import Application
from edubureau.admissions.services import draws
from edubureau.admissions.services.applications import register, required_documents, verify

from .conftest import child_id, open_stages, registration


@pytest.fixture
def api(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


def payload(campaign, **over):
    data = {
        "campaign": campaign.pk, "child_name": "赵小虎", "gender": "男", "birth_date": "2020-03-05",
        "id_number": child_id(datetime.date(2020, 3, 5)), "hukou_type": "本区", "person_household_same": True,
        "residence_proof": "房产证", "property_owner": "父母", "property_share": "100.00",
        "guardians": [{"name": "赵父", "relation": "父亲", "phone": "13812345678"}],
    }  # fmt: skip
    data.update(over)
    return data


def test_it_registers_through_the_api(api, open_campaign, school_p):
    response = api.post(
        "/api/admissions/applications/",
        payload(open_campaign, private_choices=[school_p.code]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["number"] == "2026P000001" and body["tier"] == 1 and body["private_choices"] == [school_p.code]
    )
    assert body["id_number"].count("*") > 0  # masked


def test_a_second_post_of_the_same_child_is_409_with_the_existing_url(api, open_campaign):
    data = payload(open_campaign)
    first = api.post("/api/admissions/applications/", data, format="json")
    again = api.post("/api/admissions/applications/", data, format="json")
    assert again.status_code == 409
    assert again.json()["existing"].endswith(f"/api/admissions/applications/{first.json()['id']}/")
    assert Application.objects.count() == 1


def test_bad_input_is_400_with_chinese_messages_and_nothing_saved(api, open_campaign, school_a):
    response = api.post(
        "/api/admissions/applications/", payload(open_campaign, birth_date="2020-09-01", id_number=child_id(datetime.date(2020, 9, 1))),
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "入学年龄范围" in str(response.json())
    response = api.post(
        "/api/admissions/applications/", payload(open_campaign, private_choices=["9999999999"]), format="json"
    )
    assert response.status_code == 400 and "学校标识码不存在" in str(response.json())
    response = api.post(
        "/api/admissions/applications/",
        payload(open_campaign, private_choices=[school_a.code]),
        format="json",
    )
    assert response.status_code == 400 and "是公办学校" in str(response.json())
    assert not Application.objects.exists()


def test_a_closed_stage_is_400(api, campaign):
    response = api.post("/api/admissions/applications/", payload(campaign), format="json")
    assert response.status_code == 400 and "信息登记" in str(response.json())


def test_put_updates_and_a_verified_application_needs_a_reason(api, application, admin_user):
    url = f"/api/admissions/applications/{application.pk}/"
    response = api.patch(url, {"residence_house_no": 12}, format="json")
    assert response.status_code == 200 and response.json()["residence_house_no"] == 12
    verify(application, user=admin_user, passed=True, documents=required_documents(application))
    response = api.patch(url, {"residence_house_no": 13}, format="json")
    assert response.status_code == 400 and "修改原因" in str(response.json())
    response = api.patch(url, {"residence_house_no": 13, "reason": "门牌号更正"}, format="json")
    assert response.status_code == 200


def test_schools_cannot_register_and_see_only_their_applications(
    open_campaign, school_a, school_b_admin, school_a_admin
):
    open_campaign.max_public_choices = 1
    open_campaign.save()
    app = register(open_campaign, registration(public=[school_a]))
    client = APIClient()
    client.force_authenticate(school_b_admin)
    assert client.get(f"/api/admissions/applications/{app.pk}/").status_code == 404
    assert (
        client.post("/api/admissions/applications/", payload(open_campaign), format="json").status_code == 403
    )
    client.force_authenticate(school_a_admin)
    assert client.get(f"/api/admissions/applications/{app.pk}/").status_code == 200


def test_draws_are_readable_without_personal_data(api, open_campaign, school_p, admin_user):
    for _ in range(4):
        a = register(open_campaign, registration(private=[school_p]))
        verify(a, user=admin_user, passed=True, documents=required_documents(a))
    open_stages(open_campaign, "民办录取")
    draw = draws.perform_draw(
        draws.publish_private_draw(open_campaign, school_p, admin_user), "1-2-3", admin_user
    )
    body = api.get(f"/api/admissions/draws/{draw.pk}/").json()
    assert body["order"] == draw.order and body["record_hash"] == draw.record_hash
    assert not any(a.child_name in str(body) for a in Application.objects.all())


def test_the_api_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/").content.decode()
    assert "/api/admissions/applications/" in schema and "/api/admissions/draws/" in schema
