"""The 办学资源 import template: one row per school for the school year chosen on the upload page.

Runs in the core pipeline (core.importing): every row checked before anything is written, all or
nothing by default. Rows create the school's report as 草稿 or update its draft; a report already
submitted or confirmed is not changed by an import (the row is an error saying so).
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy

from edubureau.core.importing import Column, Invalid, Rows, integer, lookup, register, text
from edubureau.core.importing import Importer as BaseImporter
from edubureau.people.importers import (
    SCHOOL_CODE,
    current_school_year,
    resolve_schools,
    school_year_choices,
    school_year_of,
)

from .models import EDITABLE_STATUSES, ResourceReport
from .workflow import COMPULSORY_PARTS, CORRECTIONS


def amount(value: str) -> Decimal:
    """A non-negative number with at most two decimals; 12,345.6 and full-width digits are read too."""
    cleaned = (
        value.translate(str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")).replace(",", "").strip()
    )
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid(f"“{value}”不是数字，请只填写数值（如 3560.5），不要带单位或文字") from None
    if not number.is_finite():
        raise Invalid(f"“{value}”不是数字")
    if number < 0:
        raise Invalid("不能为负数，请填写 0 或正数")
    if number >= Decimal("1e12"):
        raise Invalid("数值过大，请核对单位（面积以 m² 计，设备值以元计）")
    return number.quantize(Decimal("0.01"))


COUNT = integer(0, 100000)


@register
class ResourceImporter(BaseImporter):
    kind = "resources"
    label = gettext_lazy("办学资源")
    module = "equity"
    model = ResourceReport
    order = 60
    columns = (
        SCHOOL_CODE,
        Column("教学及辅助用房面积（m²）", "building_area", True, amount, default=None, help="校舍台账中的教学及辅助用房建筑面积，单位 m²。"),
        Column("体育运动场馆面积（m²）", "sports_area", True, amount, default=None, help="室外运动场地与室内体育馆面积之和，单位 m²。"),
        Column("教学仪器设备值（元）", "equipment_value", True, amount, default=None, help="资产账中教学仪器设备总值，单位元。"),
        Column("网络多媒体教室数（间）", "multimedia_classrooms", True, COUNT, default=None, help="整数。"),
        Column("高于规定学历教师数（校正）", "qualified_teachers", False, COUNT, default=None, help="留空则按教职工库统计。"),
        Column("县级以上骨干教师数（校正）", "backbone_teachers", False, COUNT, default=None, help="留空则按教职工库统计。"),
        Column("体育艺术专任教师数（校正）", "pe_art_teachers", False, COUNT, default=None, help="留空则按教职工库统计。"),
        Column("校正说明", "correction_note", False, text(200), help="填写了教师数校正时必填。"),
        Column("备注", "note", False, text(200)),
    )  # fmt: skip
    notes = (
        "唯一标识：学校标识码（导入时选择的学年）；同一学校只能有一行。",
        "填写全校数据（九年一贯制、完全中学不必分学段，系统按规定的折算系数拆分）。",
        "导入后填报为“草稿”，请在“办学资源填报”中核对后提交；已提交或已确认的填报不会被导入修改。",
    )
    school_years = staticmethod(school_year_choices)
    current_school_year = staticmethod(current_school_year)

    def __init__(self, scope, options=None):
        super().__init__(scope, options)
        self.year = school_year_of(self.options)
        self.constants = {"school_year_id": self.year.pk}

    def validate(self, table: Rows) -> None:
        schools = resolve_schools(table, self.scope)
        self.names = {pk: name for pk, (_, name, _) in schools.items()}
        school_ids = table["school_id"]
        for i, pk in enumerate(school_ids):
            if pk is None:
                continue
            _, name, stage = schools[pk]
            if not stage:
                table.error(i, "school_code", f"{name}没有登记学段，请先在学校库中填写学段")
            elif stage not in COMPULSORY_PARTS:
                table.error(i, "school_code", f"{name}的学段为“{stage}”，不参加义务教育优质均衡评估")
        table.check_unique(list(school_ids), "school_code", "学校")
        self.fields = [
            "school_id",
            "building_area",
            "sports_area",
            "equipment_value",
            "multimedia_classrooms",
        ]
        self.fields += [f for f in (*CORRECTIONS, "correction_note", "note") if table.present(f)]
        self.check_corrections(table)
        columns = ["pk", "school_id", "status", *self.fields[1:]]
        existing = {
            r[1]: r
            for r in lookup(
                ResourceReport.objects.filter(school_year=self.year), columns, school_id=school_ids
            )
        }
        for i in table.valid():
            key = school_ids[i]
            self.keys[i] = key
            found = existing.get(key)
            if found is None:
                continue
            if found[2] not in EDITABLE_STATUSES:
                table.error(
                    i,
                    "school_code",
                    f"{self.names[key]}本学年的填报已{found[2][1:]}，不能通过导入修改；如需修改，请联系教育局退回",
                )
                continue
            self.existing[key] = (found[0], tuple(found[1:2]) + tuple(found[3:]))

    def check_corrections(self, table: Rows) -> None:
        if not any(table.present(f) for f in CORRECTIONS):
            return
        notes = table["correction_note"]
        for i in range(table.n):
            if any(table[f][i] is not None for f in CORRECTIONS) and not notes[i]:
                table.error(i, "correction_note", "填写了教师数校正，须填写校正说明")

    def describe(self, values: dict) -> str:
        return f"{self.names.get(values['school_id'], '')} {self.year}办学资源"

    def export_rows(self, school_code=None):
        reports = ResourceReport.objects.filter(school_year=self.year).order_by("school__code")
        if school_code:
            reports = reports.filter(school__code=school_code)
        names = ["school__code", "building_area", "sports_area", "equipment_value", "multimedia_classrooms",
                 *CORRECTIONS, "correction_note", "note"]  # fmt: skip
        for row in reports.values_list(*names):
            yield list(row)
