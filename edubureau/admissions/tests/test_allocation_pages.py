"""The allocation pages: run, statistics, classes, admitted lists (.xlsx), notices, appeals, API."""

import pytest
from django.urls import reverse

from edubureau.admissions.models import AllocationRun, Appeal, Placement, PlacementReason, StageKind
from edubureau.admissions.services import allocation
from edubureau.core.testing import read_xlsx

from .allocation_fixtures import ready_for_allocation, verified
from .conftest import open_stages


@pytest.fixture
def ready(open_campaign, catchment_rules, admin_user):
    people = verified(open_campaign, admin_user, 3) + verified(
        open_campaign, admin_user, 2, residence_house_no=6
    )
    ready_for_allocation(open_campaign, admin_user)
    return people


def test_the_page_explains_both_mechanisms_and_runs_one(client, login, admin_user, open_campaign, ready):
    login(admin_user)
    page = client.get(reverse("admissions:allocation"), {"campaign": open_campaign.pk}).content.decode()
    assert "Deferred acceptance" in page or "平行志愿" in page
    response = client.post(
        reverse("admissions:allocation"), {"campaign": open_campaign.pk, "mechanism": "ia"}
    )
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.mechanism == "ia" and run.placed == 5 and run.created_by == admin_user
    detail = client.get(run.get_absolute_url()).content.decode()
    assert run.inputs_hash in detail and "闵行区实验小学" in detail


def test_a_refused_run_says_why(client, login, admin_user, open_campaign, catchment_rules):
    verified(open_campaign, admin_user, 1)
    open_stages(open_campaign, StageKind.PUBLIC_ADMIT)
    login(admin_user)
    response = client.post(
        reverse("admissions:allocation"), {"campaign": open_campaign.pk, "mechanism": "da"}, follow=True
    )
    assert "还没有随机号" in response.content.decode() and not AllocationRun.objects.exists()


def test_schools_cannot_run_the_allocation(client, login, school_a_admin, open_campaign, ready):
    login(school_a_admin)
    response = client.post(
        reverse("admissions:allocation"), {"campaign": open_campaign.pk, "mechanism": "da"}
    )
    assert response.status_code == 403 and not AllocationRun.objects.exists()


def test_a_schools_admitted_list_with_classes_exports_and_prints(
    client, login, admin_user, school_a_admin, open_campaign, ready, school_a, school_b
):
    run = allocation.run_allocation(open_campaign, "da", admin_user)
    login(admin_user)
    client.post(reverse("admissions:allocation_run_classes", args=[run.pk]), {"school": school_a.code})
    assert set(Placement.objects.filter(run=run, school=school_a).values_list("class_no", flat=True)) == {1}
    login(school_a_admin)
    listing = {"run": run.pk, "school": school_a.code, "sort": "class_no"}
    rows = read_xlsx(client.get(reverse("admissions:placement_export"), listing))
    assert (
        rows[0][0] == "报名编号"
        and len(rows) == 4
        and {r[6] for r in rows[1:]} == {PlacementReason.CATCHMENT}
    )
    # School A's admin does not see school B's admitted children.
    names_b = set(
        Placement.objects.filter(run=run, school=school_b).values_list("application__child_name", flat=True)
    )
    page = client.get(reverse("admissions:placement_list"), {"run": run.pk}).content.decode()
    assert names_b and not any(name in page for name in names_b)
    notices = client.get(
        reverse("admissions:placement_notices", args=[run.pk]), {"school": school_a.code}
    ).content.decode()
    assert notices.count('class="card mb-3 notice"') == 3 and "闵行区实验小学" in notices
    other = Placement.objects.filter(run=run, school=school_b).first()
    assert client.get(reverse("admissions:placement_notice", args=[other.pk])).status_code == 404


def test_publishing_from_the_page_needs_the_results_stage(client, login, admin_user, open_campaign, ready):
    run = allocation.run_allocation(open_campaign)
    login(admin_user)
    page = client.post(
        reverse("admissions:allocation_run_publish", args=[run.pk]), follow=True
    ).content.decode()
    assert "结果公布" in page
    open_stages(open_campaign, StageKind.RESULTS)
    client.post(reverse("admissions:allocation_run_publish", args=[run.pk]))
    run.refresh_from_db()
    assert run.published_at is not None


def test_an_appeal_is_filed_and_answered(client, login, admin_user, open_campaign, ready):
    login(admin_user)
    application = ready[0]
    response = client.post(
        reverse("admissions:appeal_add", args=[application.pk]),
        {"kind": "申诉", "content": "希望调剂到七宝小学"},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    response = client.post(
        reverse("admissions:appeal_edit", args=[appeal.pk]), {"status": "不予支持", "reply": ""}
    )
    assert response.status_code == 200 and Appeal.objects.get().status == "待处理"  # a reply is required
    client.post(
        reverse("admissions:appeal_edit", args=[appeal.pk]), {"status": "不予支持", "reply": "学位已满"}
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reply, appeal.handled_by) == ("不予支持", "学位已满", admin_user)
    rows = read_xlsx(client.get(reverse("admissions:appeal_export")))
    assert rows[1][0] == application.number


def test_the_api_reads_rules_and_placements(
    client, login, admin_user, school_b_admin, open_campaign, ready, school_a
):
    run = allocation.run_allocation(open_campaign)
    login(admin_user)
    rules = client.get("/api/admissions/catchment-rules/", {"road": "莘松路"}).json()
    assert rules["count"] == 2 and {r["school"] for r in rules["results"]} == {school_a.code, "2131000002"}
    placed = client.get("/api/admissions/placements/", {"run": run.pk, "school": school_a.code}).json()
    assert placed["count"] == 3 and placed["results"][0]["reason"] == "对口录取"
    login(school_b_admin)
    assert (
        client.get("/api/admissions/placements/", {"run": run.pk, "school": school_a.code}).json()["count"]
        == 0
    )
