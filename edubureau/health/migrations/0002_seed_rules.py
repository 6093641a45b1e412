"""The cluster rules of the domain sheet (卫办疾控发〔2006〕65号 for classes; the Huzhou 2023
聚集性疫情 table for schools), and the one settings row. Every threshold is editable afterwards."""

from django.db import migrations

SYMPTOMS = [
    "发热", "咳嗽", "头痛", "咽痛", "腮腺肿大", "腹痛", "腹泻",
    "呕吐", "皮疹", "头晕", "乏力", "结膜充血", "黄疸", "其他",
]  # fmt: skip


def bits(*names):
    mask = 0
    for name in names:
        mask |= 1 << SYMPTOMS.index(name)
    return mask


CLASS_BASIS = "卫办疾控发〔2006〕65号：同班 1 日内 3 例或 3 日内 5 例以上症状相似"
SCHOOL_BASIS = "学校聚集性疫情判定标准（湖州市卫健委 2023）"
# code, name, level, diagnosis, symptoms_all, symptoms_any, window, threshold, day_threshold, basis
RULES = [
    ("class-fever", "班级发热聚集", "class", "", 0, bits("发热"), 3, 5, 3, CLASS_BASIS),
    ("class-rash", "班级皮疹聚集", "class", "", 0, bits("皮疹"), 3, 5, 3, CLASS_BASIS),
    ("class-gi", "班级呕吐腹泻聚集", "class", "", 0, bits("呕吐", "腹泻"), 3, 5, 3, CLASS_BASIS),
    ("class-jaundice", "班级黄疸聚集", "class", "", 0, bits("黄疸"), 3, 5, 3, CLASS_BASIS),
    ("class-hfmd", "班级手足口病", "class", "手足口病", 0, 0, 7, 2, None, SCHOOL_BASIS),
    ("school-hfmd", "手足口病聚集", "school", "手足口病", 0, 0, 7, 5, None, SCHOOL_BASIS),
    ("school-norovirus", "诺如病毒感染聚集", "school", "诺如病毒感染", 0, bits("呕吐", "腹泻"), 7, 10, None, SCHOOL_BASIS),
    ("school-dysentery", "细菌性痢疾聚集", "school", "细菌性痢疾", 0, 0, 3, 10, None, SCHOOL_BASIS),
    ("school-conjunctivitis", "急性出血性结膜炎聚集", "school", "急性出血性结膜炎", 0, bits("结膜充血"), 7, 3, None, SCHOOL_BASIS),
    ("school-ili", "流感样病例聚集", "school", "流行性感冒", bits("发热"), bits("咳嗽", "咽痛"), 7, 10, None, SCHOOL_BASIS),
    ("school-scarlet", "猩红热聚集", "school", "猩红热", 0, 0, 7, 10, None, SCHOOL_BASIS),
    ("school-measles", "麻疹聚集", "school", "麻疹", 0, 0, 10, 2, None, SCHOOL_BASIS),
    ("school-rubella", "风疹聚集", "school", "风疹", 0, 0, 7, 5, None, SCHOOL_BASIS),
    ("school-mumps", "流行性腮腺炎聚集", "school", "流行性腮腺炎", 0, bits("腮腺肿大"), 7, 5, None, SCHOOL_BASIS),
    ("school-varicella", "水痘聚集", "school", "水痘", 0, 0, 7, 5, None, SCHOOL_BASIS),
]  # fmt: skip


def seed(apps, schema_editor):
    ClusterRule = apps.get_model("health", "ClusterRule")
    ReportingSettings = apps.get_model("health", "ReportingSettings")
    for code, name, level, diagnosis, all_, any_, window, threshold, day, basis in RULES:
        ClusterRule.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name, level=level, diagnosis=diagnosis, symptoms_all=all_, symptoms_any=any_,
                window_days=window, threshold=threshold, day_threshold=day, basis=basis,
            ),
        )  # fmt: skip
    ReportingSettings.objects.get_or_create(pk=1)


def unseed(apps, schema_editor):
    apps.get_model("health", "ClusterRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
