import pytest
from django.core.management import CommandError, call_command


def write_list(path, numbers):
    path.write_text("applicant_id\n" + "".join(f"{n}\n" for n in numbers), encoding="utf-8")
    return str(path)


def test_it_draws_and_verifies_from_published_files(tmp_path, capsys):
    applicants = write_list(tmp_path / "list.csv", [f"A{n:05d}" for n in range(10, 0, -1)])
    order = tmp_path / "order.csv"
    call_command("admissions", "lottery", applicants=applicants, seed="20260601-3-5-2-6-1-4", out=str(order))
    lines = order.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["rank,applicant_id", "1,A00006", "2,A00007"] and len(lines) == 11
    assert "f3e38e8fa8139285bd5cf21e99684c79cd0ba5cc555c854c11ac359ef7e2893f" in capsys.readouterr().out

    call_command("admissions", "verify-lottery", applicants=applicants, seed="20260601-3-5-2-6-1-4", order=str(order))
    assert "一致" in capsys.readouterr().out


def test_it_names_the_first_rank_of_a_tampered_order(tmp_path):
    applicants = write_list(tmp_path / "list.csv", ["2026XX0001", "2026XX0002", "2026XX0003"])
    order = tmp_path / "order.csv"
    order.write_text("rank,applicant_id\n1,2026XX0003\n2,2026XX0002\n3,2026XX0001\n", encoding="utf-8")
    with pytest.raises(CommandError, match="不一致：第 2 位"):
        call_command("admissions", "verify-lottery", applicants=applicants, seed="dice:6,6,1", order=str(order))
    with pytest.raises(CommandError, match="不一致：第 1 位"):
        call_command("admissions", "verify-lottery", applicants=applicants, seed="dice:6,6,2", order=str(order))


def test_it_refuses_a_list_without_its_header_or_with_repeats(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("A1\nA2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="表头 applicant_id"):
        call_command("admissions", "lottery", applicants=str(bad), seed="s", out=str(tmp_path / "o.csv"))
    repeated = write_list(tmp_path / "rep.csv", ["A1", "A2", "A1"])
    with pytest.raises(CommandError, match="A1 重复"):
        call_command("admissions", "lottery", applicants=repeated, seed="s", out=str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()
