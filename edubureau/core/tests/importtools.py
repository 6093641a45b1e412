"""Helpers for the import/export tests: files in the template's format, the database's counts,
and running the `import` command."""

import csv
import datetime
import io
import itertools

import xlsxwriter
from django.core.management import CommandError, call_command

from edubureau.core import idcodes
from edubureau.core.importing import template_header
from edubureau.core.models import ChangeRecord, ImportJob
from edubureau.org.models import School
from edubureau.people.importers import StaffImporter, StudentImporter
from edubureau.people.models import Enrollment, Guardian, SchoolClass, Staff, Student

STUDENT_HEADERS = [template_header(c) for c in StudentImporter.columns]
STAFF_HEADERS = [template_header(c) for c in StaffImporter.columns]
_seq = itertools.count(1)


def _next_seq():
    # 10–99: sequences 0–9 stay free for the fixed ID numbers that tests spell out.
    return 10 + next(_seq) % 90


def student_id(birth=datetime.date(2018, 3, 5), male=True, seq=None):
    return idcodes.make_resident_id("310112", birth, _next_seq() if seq is None else seq, male)


def student_row(school="2131000001", grade=1, class_no=1, *, name=None, male=True, birth=datetime.date(2018, 3, 5),
                id_number=None, **extra):  # fmt: skip
    """One valid student row (a dict by header, without the "*" marker); extra= overrides by header."""
    id_number = id_number or student_id(birth, male)
    row = {
        "学校标识码": school, "年级": grade, "班号": class_no, "姓名": name or f"学生{id_number[-5:]}",
        "性别": "男" if male else "女", "证件类型": "居民身份证", "证件号码": id_number, "出生日期": birth.isoformat(),
        "学籍号": "G" + id_number, "民族": "汉族", "户籍地区划代码": "310112", "户籍类型": "本区",
        "现住址": "上海市闵行区莘庄镇莘松路 88 弄 5 号", "随迁子女": "否", "监护人姓名": "张大山", "监护人关系": "父亲",
        "监护人电话": "13812345678", "学籍状态": "在读", "无证件原因": "",
    }  # fmt: skip
    row.update(extra)
    return row


def staff_row(school="2131000001", *, name="李老师", male=False, birth=datetime.date(1985, 6, 1), **extra):
    id_number = idcodes.make_resident_id("310112", birth, _next_seq(), male)
    row = {
        "学校标识码": school, "姓名": name, "性别": "男" if male else "女", "证件类型": "居民身份证", "证件号码": id_number,
        "出生日期": birth.isoformat(), "岗位类别": "专任教师", "任教学科": "语文、数学", "职称": "一级", "最高学历": "本科",
        "荣誉称号": "区级骨干", "用工形式": "事业编制", "入职日期": "2008-09-01", "联系电话": "13912345678", "状态": "在职",
    }  # fmt: skip
    row.update(extra)
    return row


def table(rows, headers=STUDENT_HEADERS):
    """Rows (dicts by header without "*") as a list of lists under the given headers."""
    return [headers] + [[row.get(h.lstrip("*"), "") for h in headers] for row in rows]


def write_xlsx(path, data, sheet="学生"):
    with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False}) as wb:
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate(data):
            for c, value in enumerate(row):
                if isinstance(value, int):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
    return path


def write_csv(path, data, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(data)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def counts():
    """Every table an import may write, with the change log: equal before and after = nothing written."""
    return {
        "schools": School.objects.count(), "classes": SchoolClass.objects.count(), "students": Student.objects.count(),
        "guardians": Guardian.objects.count(), "enrollments": Enrollment.objects.count(), "staff": Staff.objects.count(),
        "changes": ChangeRecord.objects.count(),
    }  # fmt: skip


def run_import(kind, path, *args):
    """`edubureau import KIND PATH ARGS`: (succeeded, everything it printed)."""
    out = io.StringIO()
    try:
        call_command("import", kind, str(path), *args, stdout=out, stderr=io.StringIO())
    except CommandError as e:
        return False, out.getvalue() + str(e)
    return True, out.getvalue()


def refused(kind, path, *args):
    """Run the import; it must fail, write nothing, and say why. Returns what it printed."""
    before = counts()
    ok, output = run_import(kind, path, *args)
    assert not ok
    assert counts() == before
    return output


def last_job():
    return ImportJob.objects.order_by("-pk").first()

