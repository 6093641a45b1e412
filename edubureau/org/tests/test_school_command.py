import datetime

import pytest
from django.core.management import CommandError, call_command

from edubureau import cli
from edubureau.core.models import ChangeRecord
from edubureau.org.models import School, SchoolEvent, SchoolStatus, Stage


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("school", *args, stdout=out)
    return out.getvalue()


def test_it_merges_from_the_console(school_a, school_b, district):
    school_c = School.objects.create(
        district=district, code="2131000003", name="闵行区颛桥小学", stage=Stage.PRIMARY
    )
    out = run("merge", "--into", school_a.code, "--date", "2025-08-31", school_b.code, school_c.code)
    assert "已将闵行区七宝小学（2131000002）、闵行区颛桥小学（2131000003）并入闵行区实验小学" in out
    school_b.refresh_from_db()
    assert (school_b.status, school_b.successor, school_b.closed_on) == (
        "已合并",
        school_a,
        datetime.date(2025, 8, 31),
    )
    assert school_b in School.objects.existing_in(2025) and school_b not in School.objects.existing_in(2026)
    event = SchoolEvent.objects.get()
    assert event.kind == "合并" and set(event.sources.all()) == {school_b, school_c}
    # written by the console: no user, source cli, one request id for the whole merge
    changes = ChangeRecord.objects.all()
    assert changes.count() == 3
    assert {(c.user_id, c.user_name, c.source) for c in changes} == {(None, "控制台", "cli")}
    assert len({c.request_id for c in changes}) == 1


def test_it_refuses_an_invalid_merge_with_a_chinese_message(school_a, school_b):
    with pytest.raises(CommandError, match="合并到它自身"):
        run("merge", "--into", school_a.code, "--date", "2025-08-31", school_a.code)
    with pytest.raises(CommandError, match="找不到学校标识码为 2131999999 的学校"):
        run("merge", "--into", "2131999999", "--date", "2025-08-31", school_b.code)
    with pytest.raises(CommandError, match="请按 YYYY-MM-DD 填写"):
        run("merge", "--into", school_a.code, "--date", "2025/8/31", school_b.code)
    assert not SchoolEvent.objects.exists()


def test_it_closes_moves_and_renames(school_a, school_b):
    run("move", school_a.code, "--address", "莘庄镇都市路 100 号", "--date", "2025-09-01")
    run("rename", school_a.code, "--name", "闵行区实验小学教育集团总校", "--date", "2025-09-02")
    out = run("close", school_b.code, "--date", "2025-09-03", "--successor", school_a.code)
    assert "已撤销闵行区七宝小学（2131000002）" in out
    school_a.refresh_from_db()
    school_b.refresh_from_db()
    assert school_a.address == "莘庄镇都市路 100 号" and school_a.name == "闵行区实验小学教育集团总校"
    assert (school_b.status, school_b.successor) == (SchoolStatus.CLOSED, school_a)
    assert list(SchoolEvent.objects.order_by("date").values_list("kind", flat=True)) == [
        "迁址",
        "更名",
        "撤销",
    ]


def test_it_exits_non_zero_on_error(db, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["edubureau", "school", "close", "2131999999", "--date", "2025-08-31"])
    assert exit_info.value.code != 0
    assert "找不到学校标识码为 2131999999 的学校" in capsys.readouterr().err
