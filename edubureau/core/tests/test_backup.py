import pytest
from django.core.management import CommandError, call_command

from edubureau.org.models import School, Stage


@pytest.mark.django_db(transaction=True)
def test_it_round_trips_a_backup(district, tmp_path):
    School.objects.create(district=district, code="2131000011", name="备份测试小学", stage=Stage.PRIMARY)
    out = tmp_path / "backup.db"
    call_command("backup", out=str(out))
    assert out.stat().st_size > 0

    School.objects.filter(code="2131000011").delete()
    School.objects.create(district=district, code="2131000012", name="备份后新建", stage=Stage.PRIMARY)
    call_command("restore", str(out), yes=True)

    assert list(School.objects.values_list("code", flat=True)) == ["2131000011"]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_file_that_is_not_a_backup(district, tmp_path):
    School.objects.create(district=district, code="2131000011", name="保留的学校", stage=Stage.PRIMARY)
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not a database")
    with pytest.raises(CommandError, match="不是"):
        call_command("restore", str(bogus), yes=True)
    assert School.objects.filter(code="2131000011").exists()


def test_it_refuses_to_restore_without_confirmation_when_not_interactive(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.db"))
