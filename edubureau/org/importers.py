"""Bulk import of schools (学校库), keyed by 学校标识码; the pipeline is core.importing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from edubureau.core import idcodes
from edubureau.core.importing import (
    Column,
    Importer,
    ImportFailed,
    Rows,
    choice,
    code,
    date_value,
    lookup,
    phone,
    register,
    text,
    yes_no,
)
from edubureau.core.scope import ADD

from .models import District, EduGroup, Nature, School, SchoolStatus, Stage, Zone


def credit_code(value: str) -> str:
    code_, _warnings = idcodes.validate_uscc(value)  # a wrong check character is only warned about (below)
    return code_


@register
class SchoolImporter(Importer):
    kind = "schools"
    label = gettext_lazy("学校")
    module = "org"
    model = School
    order = 10
    columns = (
        Column("学校标识码", "code", True, code(idcodes.validate_school_code), help="10 位数字：2 位类别 + 2 位省份 + 6 位序号。"),
        Column("学校名称", "name", True, text(100)),
        Column("简称", "short_name", False, text(40)),
        Column("学段", "stage", True, choice(Stage.values), choices=tuple(Stage.values)),
        Column("办学性质", "nature", False, choice(Nature.values), default=Nature.PUBLIC, choices=tuple(Nature.values),
               help="空着为公办。"),
        Column("普惠性", "inclusive", False, yes_no, default=False, choices=("是", "否"), help="仅幼儿园填写；空着为否。"),
        Column("等级", "rank", False, text(30), help="如 市一级园、示范性高中。"),
        Column("统一社会信用代码", "credit_code", False, credit_code,
               help="18 位；校验位不符时只提示，不拒绝（有些已登记的代码本身校验不通过）。"),
        Column("学区", "zone", False, text(50), help="须是系统中已有的学区名称。"),
        Column("教育集团", "group", False, text(80), help="须是系统中已有的教育集团名称。"),
        Column("地址", "address", False, text(200)),
        Column("校长", "principal", False, text(30)),
        Column("联系电话", "phone", False, phone),
        Column("状态", "status", False, choice(SchoolStatus.values), default=SchoolStatus.OPEN,
               choices=tuple(SchoolStatus.values), help="空着为办学中。合并、撤销请在学校页面办理，以便记录沿革。"),
        Column("开办日期", "opened_on", False, date_value, default=None),
        Column("停办日期", "closed_on", False, date_value, default=None),
    )  # fmt: skip
    notes = ("唯一标识：学校标识码。已有学校按学校标识码更新。",)
    school_fields = ("code", "name", "short_name", "stage", "nature", "inclusive", "rank", "credit_code", "address",
                     "principal", "phone", "status", "opened_on", "closed_on")  # fmt: skip

    def __init__(self, scope, options=None):
        super().__init__(scope, options)
        district = District.objects.order_by("pk").first()
        if district is None:
            raise ImportFailed("系统中还没有区县，请先创建区县。")
        self.constants = {"district_id": district.pk}

    def validate(self, table: Rows) -> None:
        self.warn_credit_codes(table)
        table.check_unique(table["code"], "code", "学校标识码")
        for i, (stage, inclusive) in enumerate(zip(table["stage"], table["inclusive"], strict=True)):
            if inclusive and stage and stage != Stage.KINDERGARTEN:
                table.error(i, "inclusive", "只有幼儿园可以是普惠性")
        for i, (opened, closed) in enumerate(zip(table["opened_on"], table["closed_on"], strict=True)):
            if opened and closed and closed < opened:
                table.error(i, "closed_on", "停办日期不能早于开办日期")
        self.fields = [f for f in self.school_fields if table.present(f)]
        for name, model in (("zone", Zone), ("group", EduGroup)):
            if table.present(name):
                found = dict(lookup(model.objects, ["name", "pk"], name=table[name]))
                ids = [None] * table.n
                for i, value in enumerate(table[name]):
                    if value:
                        ids[i] = found.get(value)
                        if ids[i] is None:
                            table.error(
                                i, name, f"{model._meta.verbose_name}“{value}”不存在，请先在系统中创建"
                            )
                table[f"{name}_id"] = ids
                self.fields.append(f"{name}_id")
        columns = ["pk", *self.fields]
        existing = {r[1]: r for r in lookup(School.objects, columns, code=table["code"])}
        for i in table.valid():
            current = existing.get(table["code"][i])
            self.keys[i] = table["code"][i]
            if current is None:
                if not self.scope.bureau_may("org", ADD):
                    table.error(i, "code", "无权新建学校，请联系区教育局")
            elif not self.scope.covers_school(current[0]):
                table.error(i, "code", f"无权导入其他学校（{current[1]}）的数据")
            else:
                self.existing[current[1]] = (current[0], tuple(current[1:]))

    def warn_credit_codes(self, table: Rows) -> None:
        for i, value in enumerate(table["credit_code"]):
            if value:
                for message in idcodes.validate_uscc(value)[1]:
                    table.warn(i, "credit_code", message)

    def export_rows(self, school_code=None):
        schools = School.objects.order_by("code")
        if school_code:
            schools = schools.filter(code=school_code)
        for row in schools.values_list(
            "code", "name", "short_name", "stage", "nature", "inclusive", "rank", "credit_code", "zone__name",
            "group__name", "address", "principal", "phone", "status", "opened_on", "closed_on",
        ).iterator(2000):  # fmt: skip
            row = list(row)
            row[5] = "是" if row[5] else "否"
            row[8], row[9] = row[8] or "", row[9] or ""
            yield row
