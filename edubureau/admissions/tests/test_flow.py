"""The issue's "done means" through HTTP and the CLI (the browser test does the same with chromium):
a family application registered and verified on the pages, an oversubscribed private school's lottery
drawn with a public seed and verified by `edubureau admissions verify-lottery` from the files the
public pages serve, the tie-breaking numbers, the allocation run, and the school's admitted list."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from edubureau.admissions.models import Application, ApplicationStatus, Draw, StageKind
from edubureau.core.testing import read_xlsx

from .conftest import open_stages
from .test_pages import form_data

SEED = "20260603-4-1-6-2-5-3"


def stage(client, campaign, kind, verb):
    client.post(reverse(f"admissions:stage_{verb}", args=[campaign.stages.get(kind=kind).pk]))


@pytest.mark.django_db
def test_registration_to_admitted_list(login, admin_user, campaign, school_p, tmp_path):
    client = login(admin_user)
    for kind in (StageKind.REGISTRATION, StageKind.VERIFICATION, StageKind.PRIVATE_APPLY):
        stage(client, campaign, kind, "open")
    # Five families choose the private school (3 places); the first is followed through the pages.
    for k in range(5):
        data = form_data(campaign, school_p, child_name=f"家庭{k}", birth_date=datetime.date(2020, 2, 1 + k))
        assert client.post(reverse("admissions:application_add", args=[campaign.pk]), data).status_code == 302
    for app in Application.objects.all():
        page = client.get(app.get_absolute_url()).content.decode()
        documents = [d for d in campaign.documents] + ["房产证（不动产权证）"]
        assert all(d in page for d in documents)
        client.post(
            reverse("admissions:application_verify", args=[app.pk]),
            {"decision": "pass", "documents": documents},
        )
    assert Application.objects.filter(status=ApplicationStatus.PASSED).count() == 5

    for kind in (StageKind.REGISTRATION, StageKind.VERIFICATION, StageKind.PRIVATE_APPLY):
        stage(client, campaign, kind, "close")
    stage(client, campaign, StageKind.PRIVATE_LOTTERY, "open")
    client.post(reverse("admissions:draw_publish", args=[campaign.pk]), {"school": school_p.code})
    draw = Draw.objects.get(school=school_p)
    client.post(reverse("admissions:draw_perform", args=[draw.pk]), {"seed": SEED, "witnesses": "公证员"})
    draw.refresh_from_db()
    assert len(draw.order) == 5

    anonymous = Client()
    for name, filename in (("public_draw_list_csv", "LIST.csv"), ("public_draw_order_csv", "ORDER.csv")):
        (tmp_path / filename).write_bytes(
            anonymous.get(reverse(f"admissions:{name}", args=[draw.pk])).content
        )
    out = io.StringIO()
    call_command("admissions", "verify-lottery", "--applicants", str(tmp_path / "LIST.csv"), "--seed", SEED,
                 "--order", str(tmp_path / "ORDER.csv"), stdout=out)  # fmt: skip
    assert "一致" in out.getvalue()

    stage(client, campaign, StageKind.PRIVATE_LOTTERY, "close")
    open_stages(campaign, StageKind.PUBLIC_ADMIT)
    client.post(reverse("admissions:draw_publish", args=[campaign.pk]), {"school": "tiebreak"})
    tiebreak = Draw.objects.get(school=None)
    client.post(reverse("admissions:draw_perform", args=[tiebreak.pk]), {"seed": "dice:6,6,1"})
    assert not Application.objects.filter(lottery_number__isnull=True).exists()

    response = client.post(reverse("admissions:allocation"), {"campaign": campaign.pk, "mechanism": "da"})
    assert response.status_code == 302 and "/allocation/runs/" in response.url
    run_pk = int(response.url.rstrip("/").split("/")[-1])
    rows = read_xlsx(
        client.get(reverse("admissions:placement_export"), {"run": run_pk, "school": school_p.code})
    )
    assert sorted(r[0] for r in rows[1:]) == sorted(draw.order[:3])
