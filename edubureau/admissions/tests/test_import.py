"""The .xlsx import of registrations through the core pipeline: all-or-nothing, errors by row and column."""

import io

import xlsxwriter

from edubureau.admissions.importers import ApplicationImporter
from edubureau.admissions.models import Application, ApplicationChoice, ApplicationGuardian
from edubureau.core import importing

from .conftest import child_id

HEADERS = ["招生年份", "入学年级", "儿童姓名", "性别", "出生日期", "证件号码", "户籍类型", "居住街道", "人户一致",
           "居住证明", "产权人", "产权份额", "监护人姓名", "监护人关系", "监护人电话", "民办志愿"]  # fmt: skip


def workbook(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, row)
    book.close()
    return out.getvalue()


def row(name="刘一", birth="2020-03-05", private="", **over):
    import datetime

    values = dict(
        year=2026, grade="小学一年级", name=name, gender="男", birth=birth,
        id=child_id(datetime.date.fromisoformat(birth)), hukou="本区", street="莘庄镇", same="是", proof="房产证",
        owner="父母", share="100", g="刘父", rel="父亲", phone="13812345678", private=private,
    )  # fmt: skip
    values.update(over)
    return list(values.values())


def run(content, dry_run=False):
    return importing.run(
        ApplicationImporter(importing.operator_scope()), io.BytesIO(content), "报名.xlsx", dry_run=dry_run
    )


def test_it_imports_registrations_with_numbers_tiers_guardians_and_choices(open_campaign, school_p):
    result = run(
        workbook(
            [row("刘一", private=school_p.code), row("陈二", same="否", proof="租赁", owner="", share="")]
        )
    )
    assert result.written and result.created == 2, result.errors
    first, second = Application.objects.order_by("number")
    assert (first.number, second.number) == ("2026P000001", "2026P000002")
    assert first.tier.rank == 1 and second.tier.rank == 8 and "租赁" in second.tier_explanation
    assert ApplicationGuardian.objects.get(application=first).name == "刘父"
    assert ApplicationChoice.objects.get(application=first).school == school_p


def test_importing_the_same_file_twice_changes_nothing(open_campaign):
    content = workbook([row("刘一")])
    run(content)
    result = run(content)
    assert result.created == 0 and result.unchanged == 1
    assert Application.objects.count() == 1


def test_one_bad_row_writes_nothing_and_names_row_column_and_value(open_campaign, school_a):
    bad_id = row("陈二")
    bad_id[5] = bad_id[5][:17] + ("0" if bad_id[5][17] != "0" else "1")
    result = run(
        workbook([row("刘一"), bad_id, row("张三", birth="2020-09-01"), row("李四", private=school_a.code)])
    )
    assert not result.written and not Application.objects.exists()
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("第 3 行，证件号码") for m in messages), messages
    assert any("第 4 行，出生日期：不在入学年龄范围内" in m for m in messages), messages
    assert any("第 5 行，民办志愿" in m and "是公办学校" in m for m in messages), messages


def test_it_refuses_rows_while_registration_is_closed(campaign):
    result = run(workbook([row()]))
    assert not result.written
    assert "「信息登记」阶段未开启" in str(result.errors[0])


def test_the_same_child_twice_in_a_file_is_an_error(open_campaign):
    one = row("刘一")
    result = run(workbook([one, one]))
    assert not result.written and "与第 3 行重复" in str(result.errors[0])


def test_a_child_already_registered_with_other_data_is_an_error(open_campaign):
    first = row("刘一")
    run(workbook([first]))
    changed = list(first)
    changed[7] = "七宝镇"
    result = run(workbook([changed]))
    assert not result.written and "已报名（编号 2026P000001）" in str(result.errors[0])
