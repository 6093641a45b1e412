"""招生入学 in the browser, from registration to a school's admitted list: the bureau opens the stages, a
family's application is registered and verified, an oversubscribed private school's lottery is drawn
with a public seed and checked by `edubureau admissions verify-lottery` from the published files
alone, the tie-breaking numbers are drawn, the allocation runs, and a school's admitted list is exported."""

import datetime
import io
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from edubureau.accounts.models import User
from edubureau.accounts.roles import Role
from edubureau.admissions.models import Application, ApplicationStatus, Draw, DrawStatus, EntryGrade
from edubureau.admissions.services import campaigns
from edubureau.admissions.services.applications import (
    ChoiceInput,
    Registration,
    register,
    required_documents,
    verify,
)
from edubureau.core.idcodes import make_resident_id
from edubureau.org.models import District, Nature, School, Stage

PASSWORD = "Flow@pass2026"
SEED = "20260603-4-1-6-2-5-3"


@pytest.fixture
def world(transactional_db):
    district = District.objects.create(code="310112", name="闵行区")
    public = School.objects.create(
        district=district, code="2131000101", name="闵行区莘城小学", stage=Stage.PRIMARY
    )
    other = School.objects.create(
        district=district, code="2131000102", name="闵行区七宝小学", stage=Stage.PRIMARY
    )
    private = School.objects.create(
        district=district,
        code="2131000109",
        name="闵行区民办星河小学",
        stage=Stage.PRIMARY,
        nature=Nature.PRIVATE,
    )
    admin = User(username="zhaosheng", display_name="基教科 招生", role=Role.ADMIN)
    admin.apply_role_defaults()
    admin.set_password(PASSWORD)
    admin.save()
    campaign = campaigns.create_campaign(year=2026, entry_grade=EntryGrade.PRIMARY, max_public_choices=1)
    campaigns.set_plan(campaign, public, 1)
    campaigns.set_plan(campaign, other, 1)
    campaigns.set_plan(campaign, private, 1, class_size=3)
    return {"campaign": campaign, "public": public, "other": other, "private": private, "admin": admin}


def stage_button(page, kind, verb):
    """The 开启 (open) or 关闭 (close) button of a stage on the campaign page."""
    with page.expect_navigation():
        page.locator(f"tr[data-stage='{kind}'] form[action$='/{verb}/'] button").click()


def other_families(world, n):
    """Four more verified families choosing the private school, so that it is oversubscribed."""
    for k in range(n):
        birth = datetime.date(2020, 1, 10 + k)
        child = dict(
            child_name=f"申请人{k}", gender="女", birth_date=birth, id_number=make_resident_id("310112", birth, 40 + k, False),
            hukou_type="本区", residence_street="莘庄镇", residence_road="莘松路", residence_house_no=k + 1,
            person_household_same=True, residence_proof="房产证", property_owner="父母", property_share=100,
        )  # fmt: skip
        choices = [ChoiceInput("民办", world["private"]), ChoiceInput("公办", world["other"])]
        app = register(
            world["campaign"], Registration(child, [{"name": f"家长{k}", "relation": "母亲"}], choices)
        )
        verify(app, user=world["admin"], passed=True, documents=required_documents(app))


def test_registration_to_admitted_list(page, log_in, world, tmp_path):
    campaign, private = world["campaign"], world["private"]
    page.on("dialog", lambda dialog: dialog.accept())
    log_in("zhaosheng", PASSWORD)

    # The bureau opens registration, verification and private applications.
    page.goto(campaign.get_absolute_url())
    for kind in ("信息登记", "验证", "民办报名"):
        stage_button(page, kind, "open")
    assert page.locator("tr[data-stage='信息登记'] .badge").inner_text() == "进行中"

    # A family's application, entered by bureau staff.
    birth = datetime.date(2020, 5, 17)
    id_number = make_resident_id("310112", birth, 21, True)
    page.goto(f"/admissions/campaigns/{campaign.pk}/apply/")
    page.fill("input[name=child_name]", "林小川")
    page.select_option("select[name=gender]", "男")
    page.fill("input[name=birth_date]", birth.isoformat())
    page.fill("input[name=id_number]", id_number)
    page.select_option("select[name=hukou_type]", "本区")
    page.fill("input[name=residence_street]", "莘庄镇")
    page.fill("input[name=residence_road]", "莘松路")
    page.fill("input[name=residence_house_no]", "12")
    page.check("input[name=person_household_same]")
    page.select_option("select[name=residence_proof]", "房产证")
    page.select_option("select[name=property_owner]", "父母")
    page.fill("input[name=property_share]", "100")
    page.fill("input[name=g1_name]", "林大海")
    page.fill("input[name=g1_relation]", "父亲")
    page.fill("input[name=g1_phone]", "13912345678")
    page.select_option("select[name=民办_1]", str(private.pk))
    page.select_option("select[name=公办_1]", str(world["public"].pk))
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").click()
    app = Application.objects.get(id_number=id_number)
    assert page.url.endswith(app.get_absolute_url())
    assert "第1类" in page.locator("#tier-explanation").inner_text()

    # Verified: every document of the checklist ticked, then 通过.
    for box in page.locator("#verify-form input[name=documents]").all():
        box.check()
    page.check("#verify-form input[name=decision][value=pass]")
    with page.expect_navigation():
        page.locator("#verify-form button[type=submit]").click()
    assert page.locator("#application-status").inner_text() == "通过"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PASSED and app.verified_by == world["admin"]

    # The private school is oversubscribed (5 verified applicants, 3 places): publish, then draw.
    other_families(world, 4)
    page.goto(campaign.get_absolute_url())
    for kind in ("信息登记", "验证", "民办报名"):
        stage_button(page, kind, "close")
    stage_button(page, "民办录取", "open")
    page.goto(f"/admissions/campaigns/{campaign.pk}/lotteries/")
    with page.expect_navigation():
        page.locator(f"tr[data-school='{private.code}'] button").click()
    draw = Draw.objects.get(school=private)
    assert page.locator("#list-hash").inner_text() == draw.list_hash
    page.fill("#seed-form input[name=seed]", SEED)
    page.fill("#seed-form input[name=witnesses]", "公证员 张明")
    with page.expect_navigation():
        page.locator("#seed-form button[type=submit]").click()
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAWN and draw.seed == SEED
    assert page.locator("#draw-status").inner_text() == "已摇号"

    # Anyone, logged out, downloads the published files and checks the draw offline.
    public = page.context.browser.new_context(
        base_url=page.url.split("/admissions")[0], accept_downloads=True
    )
    visitor = public.new_page()
    visitor.goto("/admissions/public/lotteries/")
    with visitor.expect_navigation():
        visitor.get_by_role("link", name=private.name).click()
    assert visitor.url.endswith(f"/admissions/public/lotteries/{draw.pk}/")
    assert "林小川" not in visitor.content()
    assert visitor.locator("#record-hash").inner_text() == draw.record_hash
    published_seed = visitor.locator("#seed").inner_text()
    published_hash = visitor.locator("#list-hash").inner_text()
    assert published_seed == SEED
    files = {}
    for link in ("#list-csv", "#order-csv"):
        with visitor.expect_download() as download:
            visitor.locator(link).click()
        files[link] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[link])
    public.close()
    assert "林小川" not in files["#list-csv"].read_text(encoding="utf-8")  # numbers only, no personal data
    cli = Path(sys.executable).parent / "edubureau"
    result = subprocess.run(
        [str(cli), "admissions", "verify-lottery", "--applicants", str(files["#list-csv"]), "--seed", published_seed,
         "--order", str(files["#order-csv"])],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "一致" in result.stdout and "不一致" not in result.stdout
    assert published_hash in result.stdout  # the list hash recomputed from LIST.csv is the one published

    # The single tie-breaking number, then the allocation run.
    page.goto(campaign.get_absolute_url())
    stage_button(page, "民办录取", "close")
    stage_button(page, "公办对口录取", "open")
    with page.expect_navigation():
        page.locator("#tiebreak-form button").click()
    page.fill("#seed-form input[name=seed]", "dice:6,6,1")
    with page.expect_navigation():
        page.locator("#seed-form button[type=submit]").click()
    assert not Application.objects.filter(
        status=ApplicationStatus.PASSED, lottery_number__isnull=True
    ).exists()
    page.goto(f"/admissions/allocation/?campaign={campaign.pk}")
    with page.expect_navigation():
        page.locator("#run-form button[type=submit]").click()
    assert "/admissions/allocation/runs/" in page.url

    # The private school's admitted list, exported.
    with page.expect_download() as download:
        page.locator(f"#school-table tr[data-school='{private.code}'] a[href*='/placements/export/']").click()
    book = CalamineWorkbook.from_filelike(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = book.get_sheet_by_index(0).to_python()
    header, body = rows[0], rows[1:]
    assert len(body) == 3, rows  # 3 places, 5 applicants: exactly the first three of the drawn order
    number, school, reason = header.index("报名编号"), header.index("学校标识码"), header.index("录取方式")
    assert {row[number] for row in body} == set(draw.order[:3])
    assert {(row[school], row[reason]) for row in body} == {(private.code, "民办摇号录取")}
    assert not page.console_errors
