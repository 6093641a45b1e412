"""Lotteries through the pages: publish, draw with the seed, public files verified by the CLI offline."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from edubureau.admissions.models import Draw, DrawStatus, StageKind
from edubureau.admissions.services.applications import register, required_documents, verify

from .conftest import open_stages, registration

SEED = "20260601-3-5-2-6-1-4"


@pytest.fixture
def oversubscribed(open_campaign, school_p, admin_user):
    for _ in range(5):
        a = register(open_campaign, registration(private=[school_p], child_name="摇号申请人"))
        verify(a, user=admin_user, passed=True, documents=required_documents(a))
    open_stages(open_campaign, StageKind.PRIVATE_LOTTERY)
    return open_campaign


def publish_and_draw(client, campaign, school):
    client.post(reverse("admissions:draw_publish", args=[campaign.pk]), {"school": school.code})
    draw = Draw.objects.get(school=school)
    client.post(reverse("admissions:draw_perform", args=[draw.pk]), {"seed": SEED, "witnesses": "公证员"})
    return Draw.objects.get(pk=draw.pk)


def test_the_overview_shows_which_schools_need_a_draw(login, admin_user, oversubscribed, school_p):
    page = (
        login(admin_user)
        .get(reverse("admissions:lottery_overview", args=[oversubscribed.pk]))
        .content.decode()
    )
    assert "需要摇号" in page or "Draw needed" in page
    assert f'data-school="{school_p.code}"' in page


def test_the_bureau_publishes_then_draws_and_anyone_verifies_offline(
    login, admin_user, oversubscribed, school_p, tmp_path
):
    draw = publish_and_draw(login(admin_user), oversubscribed, school_p)
    assert draw.status == DrawStatus.DRAWN and draw.seed == SEED and len(draw.order) == 5
    anonymous = Client()
    page = anonymous.get(reverse("admissions:public_draw_detail", args=[draw.pk])).content.decode()
    assert draw.list_hash in page and draw.record_hash in page and "摇号申请人" not in page
    listing = anonymous.get(reverse("admissions:public_draw_list_csv", args=[draw.pk])).content.decode()
    order = anonymous.get(reverse("admissions:public_draw_order_csv", args=[draw.pk])).content.decode()
    (tmp_path / "LIST.csv").write_text(listing, encoding="utf-8")
    (tmp_path / "ORDER.csv").write_text(order, encoding="utf-8")
    call_command("admissions", "verify-lottery", "--applicants", str(tmp_path / "LIST.csv"), "--seed", SEED,
                 "--order", str(tmp_path / "ORDER.csv"))  # fmt: skip
    with pytest.raises(CommandError, match="不一致"):
        call_command("admissions", "verify-lottery", "--applicants", str(tmp_path / "LIST.csv"), "--seed", "other",
                     "--order", str(tmp_path / "ORDER.csv"))  # fmt: skip


def test_a_drawn_lottery_cannot_be_drawn_again_from_the_page(login, admin_user, oversubscribed, school_p):
    client = login(admin_user)
    draw = publish_and_draw(client, oversubscribed, school_p)
    response = client.post(reverse("admissions:draw_perform", args=[draw.pk]), {"seed": "again"}, follow=True)
    assert "不能重摇" in response.content.decode()
    assert Draw.objects.get(pk=draw.pk).seed == SEED


def test_the_order_file_is_404_before_the_draw(login, admin_user, oversubscribed, school_p):
    login(admin_user).post(
        reverse("admissions:draw_publish", args=[oversubscribed.pk]), {"school": school_p.code}
    )
    draw = Draw.objects.get(school=school_p)
    assert Client().get(reverse("admissions:public_draw_order_csv", args=[draw.pk])).status_code == 404
    listing = Client().get(reverse("admissions:public_draw_list_csv", args=[draw.pk])).content.decode()
    assert listing.splitlines()[0] == "applicant_id" and len(listing.splitlines()) == 6


def test_schools_cannot_publish_or_draw(login, school_a_admin, admin_user, oversubscribed, school_p):
    client = login(school_a_admin)
    assert client.post(
        reverse("admissions:draw_publish", args=[oversubscribed.pk]), {"school": school_p.code}
    ).status_code in (403, 404)
    assert not Draw.objects.exists()


def test_publishing_outside_the_lottery_stage_is_refused(login, admin_user, open_campaign, school_p):
    for _ in range(5):
        a = register(open_campaign, registration(private=[school_p]))
        verify(a, user=admin_user, passed=True, documents=required_documents(a))
    response = login(admin_user).post(
        reverse("admissions:draw_publish", args=[open_campaign.pk]), {"school": school_p.code}, follow=True
    )
    assert "「民办录取（摇号）」阶段尚未开启" in response.content.decode()
    assert not Draw.objects.exists()
