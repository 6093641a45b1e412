"""`edubureau admissions allocate`: the offline engine on CSV files, and its errors on bad files."""

import pytest
from django.core.management import CommandError, call_command

SCHOOLS = "school_code,capacity\nX,1\nY,1\nZ,1\n"
APPLICANTS = "applicant_id,lottery,choices\na,1,Y;X\nb,2,X;Y\nc,3,X;Z\n"
PRIORITIES = "school_code,applicant_id,priority\nX,c,1\n"


@pytest.fixture
def files(tmp_path):
    def write(schools=SCHOOLS, applicants=APPLICANTS, priorities=PRIORITIES, encoding="utf-8"):
        paths = {}
        for name, text in (
            ("SCHOOLS.csv", schools),
            ("APPLICANTS.csv", applicants),
            ("PRIORITIES.csv", priorities),
        ):
            path = tmp_path / name
            path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
            paths[name] = str(path)
        return paths

    return write


def allocate(paths, out, mechanism="da", priorities=True):
    options = {
        "schools": paths["SCHOOLS.csv"],
        "applicants": paths["APPLICANTS.csv"],
        "out": str(out),
        "mechanism": mechanism,
    }
    if priorities:
        options["priorities"] = paths["PRIORITIES.csv"]
    call_command("admissions", "allocate", **options)
    return out.read_text(encoding="utf-8").splitlines()


def test_it_writes_one_row_per_applicant_in_input_order(files, tmp_path, capsys):
    out = tmp_path / "RESULT.csv"
    assert allocate(files(), out) == ["applicant_id,school_code", "a,Y", "b,", "c,X"]
    assert "录取 2 人，未录取 1 人" in capsys.readouterr().out
    # Without priorities b wins X by lottery over c, who then goes to Z.
    assert allocate(files(), out, priorities=False) == ["applicant_id,school_code", "a,Y", "b,X", "c,Z"]


def test_it_runs_immediate_acceptance_when_asked(files, tmp_path):
    applicants = "applicant_id,lottery,choices\na,1,Y\nd,2,Y;X\ne,3,X\n"
    schools = "school_code,capacity\nX,1\nY,1\n"
    paths = files(schools=schools, applicants=applicants, priorities="school_code,applicant_id,priority\n")
    out = tmp_path / "RESULT.csv"
    assert allocate(paths, out, "ia") == ["applicant_id,school_code", "a,Y", "d,", "e,X"]
    assert allocate(paths, out, "da") == ["applicant_id,school_code", "a,Y", "d,X", "e,"]


def test_it_reads_utf8_with_bom_and_gbk(files, tmp_path):
    schools = "school_code,capacity\n实验小学,1\n第二小学,1\n"
    applicants = "applicant_id,lottery,choices\n甲,2,实验小学;第二小学\n乙,1,实验小学\n"
    priorities = "school_code,applicant_id,priority\n"
    out = tmp_path / "RESULT.csv"
    expected = ["applicant_id,school_code", "甲,第二小学", "乙,实验小学"]
    assert allocate(files(schools, applicants, priorities, encoding="utf-8-sig"), out) == expected
    assert allocate(files(schools, applicants, priorities, encoding="gbk"), out) == expected


@pytest.mark.parametrize(
    ("which", "text", "message"),
    [
        (
            "applicants",
            "applicant_id,lottery,choices\na,1,X\nb,2,Y\na,3,Z\n",
            "APPLICANTS.csv 第 4 行：申请编号 a 与第 2 行重复",
        ),
        (
            "applicants",
            "applicant_id,lottery,choices\na,1,X;W\n",
            "APPLICANTS.csv 第 2 行：志愿中的学校“W”不在学校文件中",
        ),
        (
            "applicants",
            "applicant_id,lottery,choices\na,1,X;Y;X\n",
            "APPLICANTS.csv 第 2 行：学校 X 在志愿中出现了两次",
        ),
        (
            "applicants",
            "applicant_id,lottery,choices\na,1,X\nb,1,Y\n",
            "APPLICANTS.csv 第 3 行：随机号 1 与第 2 行重复",
        ),
        (
            "applicants",
            "applicant_id,lottery,choices\na,一,X\n",
            "APPLICANTS.csv 第 2 行：lottery（随机号）应为整数（现为“一”）",
        ),
        ("applicants", "", "APPLICANTS.csv：文件为空"),
        ("applicants", "applicant_id,lottery,choices\n", "APPLICANTS.csv：没有申请人数据行"),
        (
            "applicants",
            "id,lottery,choices\na,1,X\n",
            "APPLICANTS.csv 第 1 行：表头应为 applicant_id,lottery,choices",
        ),
        ("applicants", "applicant_id,lottery,choices\na,1\n", "APPLICANTS.csv 第 2 行：应有 3 列，现有 2 列"),
        ("schools", "school_code,capacity\nX,-1\n", "SCHOOLS.csv 第 2 行：capacity（学位数）不能为负数"),
        (
            "schools",
            "school_code,capacity\nX,1.5\n",
            "SCHOOLS.csv 第 2 行：capacity（学位数）应为整数（现为“1.5”）",
        ),
        ("schools", "school_code,capacity\nX,1\nX,2\n", "SCHOOLS.csv 第 3 行：学校代码 X 与第 2 行重复"),
        ("schools", "\n\n", "SCHOOLS.csv：文件为空"),
        ("schools", "code,places\nX,1\n", "SCHOOLS.csv 第 1 行：表头应为 school_code,capacity"),
        (
            "priorities",
            "school_code,applicant_id,priority\nX,nobody,1\n",
            "PRIORITIES.csv 第 2 行：申请编号“nobody”不在申请人文件中",
        ),
        (
            "priorities",
            "school_code,applicant_id,priority\nW,a,1\n",
            "PRIORITIES.csv 第 2 行：学校“W”不在学校文件中",
        ),
        (
            "priorities",
            "school_code,applicant_id,priority\nX,a,1\nX,a,2\n",
            "PRIORITIES.csv 第 3 行：学校 X 对申请人 a 的优先级与第 2 行重复",
        ),
        (
            "priorities",
            "school_code,applicant_id,priority\nX,a,high\n",
            "PRIORITIES.csv 第 2 行：priority（优先级）应为整数",
        ),
    ],
)
def test_it_names_the_file_line_and_problem_and_writes_nothing(files, tmp_path, which, text, message):
    paths = files(**{which: text})
    out = tmp_path / "RESULT.csv"
    with pytest.raises(CommandError) as error:
        allocate(paths, out)
    assert message in str(error.value).replace(str(tmp_path) + "/", "")
    assert not out.exists()
    assert not list(tmp_path.glob(".result-*"))


def test_it_lists_every_problem_of_a_file_and_keeps_an_old_result(files, tmp_path):
    out = tmp_path / "RESULT.csv"
    out.write_text("earlier result\n", encoding="utf-8")
    paths = files(applicants="applicant_id,lottery,choices\na,1,W\nb,x,X\nc,3,X;X\n")
    with pytest.raises(CommandError) as error:
        allocate(paths, out)
    text = str(error.value)
    assert "第 2 行" in text and "第 3 行" in text and "第 4 行" in text
    assert out.read_text(encoding="utf-8") == "earlier result\n"


def test_it_accepts_cells_with_spaces_and_quotes(files, tmp_path):
    applicants = 'applicant_id,lottery,choices\n a , 1 ," Y ; X"\n"b",2,X\n\nc,3,X;Z\n'
    assert allocate(files(applicants=applicants, priorities=PRIORITIES), tmp_path / "R.csv") == [
        "applicant_id,school_code", "a,Y", "b,", "c,X",
    ]  # fmt: skip


def test_the_console_script_runs_it_without_django_and_exits_non_zero_on_bad_files(files, tmp_path, capsys):
    from edubureau.cli import main

    paths = files()
    out = tmp_path / "RESULT.csv"
    argv = ["edubureau", "admissions", "allocate", "--schools", paths["SCHOOLS.csv"], "--applicants",
            paths["APPLICANTS.csv"], "--priorities", paths["PRIORITIES.csv"], "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert out.read_text(encoding="utf-8") == "applicant_id,school_code\na,Y\nb,\nc,X\n"
    out.unlink()
    bad = files(schools="school_code,capacity\nX,-2\nY,1\nZ,1\n")
    assert main([*argv[:4], bad["SCHOOLS.csv"], *argv[5:]]) == 1
    assert "SCHOOLS.csv 第 2 行：capacity（学位数）不能为负数" in capsys.readouterr().err
    assert not out.exists()


def test_the_console_script_draws_and_verifies_a_lottery_without_django(tmp_path, capsys):
    from edubureau.cli import main

    listing, order = tmp_path / "LIST.csv", tmp_path / "ORDER.csv"
    listing.write_text("applicant_id\n2026XX0001\n2026XX0002\n2026XX0003\n", encoding="utf-8")
    base = ["edubureau", "admissions"]
    assert (
        main([*base, "lottery", "--applicants", str(listing), "--seed", "dice:6,6,1", "--out", str(order)])
        == 0
    )
    assert order.read_text(encoding="utf-8").splitlines()[1] == "1,2026XX0003"
    assert "7be4509f42f7dffaa0a4a4cf684c1fd58a838b1fef0ce16b7234f19dc3e8a9b7" in capsys.readouterr().out
    verify = [*base, "verify-lottery", "--applicants", str(listing), "--order", str(order)]
    assert main([*verify, "--seed", "dice:6,6,1"]) == 0 and "一致" in capsys.readouterr().out
    assert main([*verify, "--seed", "dice:6,6,2"]) == 1 and "不一致：第 1 位" in capsys.readouterr().err
