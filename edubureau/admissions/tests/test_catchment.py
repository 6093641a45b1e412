"""对口/学区划分: the matcher (pure), the look-up and check pages, import and export of the rules."""

import io

import xlsxwriter
from django.core.management import call_command
from django.urls import reverse

from edubureau.admissions.catchment import Address, Matcher, Rule
from edubureau.admissions.models import CatchmentRule
from edubureau.admissions.services import catchment
from edubureau.core.testing import read_xlsx

from .allocation_fixtures import verified

RULES = [
    Rule(1, "A", street="莘庄镇"),
    Rule(2, "B", road="莘松路88弄", number_from=1, number_to=99, parity="单号"),
    Rule(3, "C", road="莘松路88弄", number_from=2, number_to=98, parity="双号"),
    Rule(4, "D", street="莘庄镇", community="莘松小区"),
]


def test_the_most_specific_rule_wins_and_the_explanation_names_it():
    match = Matcher(RULES).match(Address.of("莘庄镇", "莘松小区", "莘松路 88 弄", 5))
    assert match.status == "匹配" and match.rule.target == "B"
    assert [r.id for r in match.overridden] == [4, 1]
    assert "符合规则 2" in match.explain() and "更具体" in match.explain()
    assert Matcher(RULES).match(Address.of("莘庄镇", "", "莘松路88弄", 6)).rule.target == "C"
    assert (
        Matcher(RULES).match(Address.of("莘庄镇", "", "莘松路88弄", 101)).rule.target == "A"
    )  # beyond the range


def test_it_reports_no_match_and_conflicts():
    assert Matcher(RULES).match(Address.of("七宝镇", "", "七莘路", 1)).status == "未匹配"
    conflict = Matcher([*RULES, Rule(5, "E", road="莘松路88弄", number_from=1, number_to=9)]).match(
        Address.of(road="莘松路88弄", number=5)
    )
    assert conflict.status == "冲突" and {r.id for r in conflict.rules} == {2, 5}
    assert "同时符合 2 条" in conflict.explain()


def test_it_reads_free_text_addresses():
    address = Address.parse("上海市闵行区莘庄镇莘松小区莘松路８８弄5号201室")
    assert (address.street, address.community, address.road, address.number) == (
        "莘庄镇",
        "莘松小区",
        "莘松路88弄",
        5,
    )
    assert Address.parse("莘松路 88 弄 12 号").road == "莘松路88弄"
    assert Address.parse("江川路街道红旗居委会华坪路100号").community == "红旗居委"


def test_the_lookup_page_explains_the_match(client, login, admin_user, campaign, catchment_rules):
    login(admin_user)
    url = reverse("admissions:catchment_lookup")
    page = client.get(url, {"campaign": campaign.pk, "address": "莘庄镇莘松路88弄7号"}).content.decode()
    assert "闵行区实验小学" in page and "单号" in page
    page = client.get(url, {"campaign": campaign.pk, "road": "莘松路88弄", "number": 8}).content.decode()
    assert "闵行区七宝小学" in page
    page = client.get(url, {"campaign": campaign.pk, "address": "七宝镇七莘路1号"}).content.decode()
    assert "不在任何对口/划片规则内" in page


def test_the_check_lists_unmatched_and_conflicting_addresses(
    client, login, admin_user, open_campaign, catchment_rules, school_a
):
    odd, _even, _town = catchment_rules
    CatchmentRule.objects.create(
        campaign=open_campaign, road="莘松路88弄", number_from=1, number_to=9, school=school_a
    )
    login(admin_user)
    text = "莘庄镇莘松路88弄5号\n七宝镇七莘路1号\n莘庄镇莘北路3号\n"
    page = client.post(
        reverse("admissions:catchment_check"), {"campaign": open_campaign.pk, "source": "list", "text": text}
    )
    body = page.content.decode()
    assert "第 1 行" in body and "冲突" in body and "第 2 行" in body and "未匹配" in body
    assert "第 3 行" not in body  # 莘北路 is covered by the 莘庄镇 group rule
    verified(
        open_campaign,
        admin_user,
        1,
        residence_street="七宝镇",
        residence_road="七莘路",
        residence_address="七宝镇七莘路1号",
    )
    problems = catchment.check_addresses(open_campaign)
    assert [p.status for p in problems] == ["未匹配"]


def test_rules_import_all_or_nothing_and_export_round_trips(
    tmp_path, campaign, school_a, catchment_rules, admin_user
):
    from edubureau.admissions.importers import CatchmentRuleImporter
    from edubureau.core import importing
    from edubureau.core.scope import Scope

    headers = [c.header for c in CatchmentRuleImporter.columns]
    good = [2026, "小学一年级", "莘庄镇", "", "莘朱路", 1, 199, "单号", school_a.code, "", ""]
    bad = [2026, "小学一年级", "", "", "莘朱路", 20, 10, "全部", "9999999999", "", ""]
    path = tmp_path / "rules.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate([headers, good, bad]):
        sheet.write_row(r, 0, row)
    book.close()
    scope = Scope(all_units=True, grants=(("admissions", ("view", "import")),))
    result = importing.run(CatchmentRuleImporter(scope), str(path), "rules.xlsx", dry_run=False)
    messages = [str(e) for e in result.errors]
    assert "第 3 行，对口学校标识码：学校标识码 9999999999 不存在" in messages
    assert any("截止门牌号 10 小于起始门牌号 20" in m for m in messages)
    assert not result.written and CatchmentRule.objects.count() == 3  # nothing written
    rows = list(CatchmentRuleImporter(scope).export_rows())
    assert len(rows) == 3 and rows[0][:2] == [2026, "小学一年级"]


def test_the_rule_list_exports_xlsx(client, login, admin_user, catchment_rules):
    login(admin_user)
    response = client.get(reverse("admissions:catchment_rule_export"))
    rows = read_xlsx(response)
    assert rows[0][1] == "街道（镇）" and len(rows) == 4


def test_schools_may_read_rules_but_not_change_them(client, login, school_a_admin, catchment_rules):
    login(school_a_admin)
    assert client.get(reverse("admissions:catchment_rule_list")).status_code == 200
    rule = catchment_rules[0]
    assert client.get(reverse("admissions:catchment_rule_edit", args=[rule.pk])).status_code in (403, 404)
    assert (
        client.post(
            reverse("admissions:catchment_rule_add"), {"campaign": rule.campaign_id, "road": "x路"}
        ).status_code
        == 403
    )


def test_the_bureau_adds_a_rule_with_a_normalised_road_and_a_clear_error(
    client, login, admin_user, campaign, school_a
):
    login(admin_user)
    url = reverse("admissions:catchment_rule_add")
    data = {"campaign": campaign.pk, "road": "莘 松 路 １ 弄", "parity": "全部", "school": school_a.pk}
    assert client.post(url, data).status_code == 302
    assert CatchmentRule.objects.get().road == "莘松路1弄"
    page = client.post(url, {**data, "road": "莘东路", "number_from": 9, "number_to": 1}).content.decode()
    assert "截止门牌号不能小于起始门牌号" in page and CatchmentRule.objects.count() == 1


def test_the_cli_import_of_rules_exists(tmp_path):
    out = io.StringIO()
    call_command("template", "catchment_rules", "--out", str(tmp_path / "t.xlsx"), stdout=out)
    assert (tmp_path / "t.xlsx").exists()


def test_the_demo_rules_cover_the_demo_addresses(campaign):
    from edubureau.admissions.catchment import Address
    from edubureau.admissions.demo.catchment import build_rules, demo_addresses
    from edubureau.admissions.models import SchoolLocation

    assert build_rules(campaign) == 4  # two public schools: one road each, odd and even sides
    assert SchoolLocation.objects.count() == 3  # every planned school, the private one too
    rules = catchment.matcher(campaign)
    for fields in demo_addresses(campaign):
        for number in (1, 2, 199, 200):
            address = Address.of(
                fields["residence_street"], fields["residence_community"], fields["residence_road"], number
            )
            assert rules.match(address).status == "匹配"


def test_school_locations_are_entered_by_the_bureau_and_kept_per_school(
    client, login, admin_user, school_a_admin, school_b_admin, school_a, school_b
):
    from edubureau.admissions.models import SchoolLocation

    login(admin_user)
    response = client.post(
        reverse("admissions:school_location_add"),
        {"school": school_a.pk, "longitude": "121.385", "latitude": "31.111"},
    )
    assert response.status_code == 302
    location = SchoolLocation.objects.get()
    login(school_b_admin)
    url = reverse("admissions:school_location_edit", args=[location.pk])
    assert client.post(url, {"school": school_b.pk, "longitude": "1", "latitude": "1"}).status_code == 404
    login(school_a_admin)
    assert (
        client.post(url, {"school": school_a.pk, "longitude": "121.386", "latitude": "31.111"}).status_code
        == 302
    )
    location.refresh_from_db()
    assert str(location.longitude) == "121.386000"
