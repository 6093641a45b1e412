"""The symptom list of WS/T 772-2020 (plus 黄疸 and 其他) and the diagnoses a school records.

A case's symptoms are stored as a bitmask of this fixed list, so that a rule ("vomiting or
diarrhoea", "fever with cough or sore throat") is a bitwise test the database or Python does in
one step. The order of SYMPTOMS is therefore part of the stored data: append, never reorder.
Plain Python, no Django: the rule engine and its tests use it alone.
"""

SYMPTOMS = [
    "发热", "咳嗽", "头痛", "咽痛", "腮腺肿大", "腹痛", "腹泻",
    "呕吐", "皮疹", "头晕", "乏力", "结膜充血", "黄疸", "其他",
]  # fmt: skip
BIT = {name: 1 << i for i, name in enumerate(SYMPTOMS)}
ALL_BITS = (1 << len(SYMPTOMS)) - 1

DIAGNOSES = [
    "流行性感冒", "新型冠状病毒感染", "水痘", "手足口病", "诺如病毒感染", "其他感染性腹泻",
    "流行性腮腺炎", "猩红热", "麻疹", "风疹", "急性出血性结膜炎", "细菌性痢疾", "肺结核",
    "甲型病毒性肝炎", "百日咳", "流行性脑脊髓膜炎", "其他", "非传染性疾病", "未就诊/不明",
]  # fmt: skip
# A diagnosis that says nothing about the disease: the syndrome rules apply to such cases.
UNDIAGNOSED = {"", "未就诊/不明"}
# Listed infectious diseases: a 复课证明 from a doctor is required before the return is accepted.
NEEDS_CERTIFICATE = {
    "流行性感冒", "新型冠状病毒感染", "水痘", "手足口病", "诺如病毒感染", "其他感染性腹泻",
    "流行性腮腺炎", "猩红热", "麻疹", "风疹", "急性出血性结膜炎", "细菌性痢疾", "肺结核",
    "甲型病毒性肝炎", "百日咳", "流行性脑脊髓膜炎",
}  # fmt: skip


def to_mask(names) -> int:
    """The bitmask of symptom names; KeyError names the first unknown one."""
    mask = 0
    for name in names:
        mask |= BIT[name]
    return mask


def unknown(names) -> list[str]:
    return [name for name in names if name not in BIT]


def to_names(mask: int) -> list[str]:
    return [name for i, name in enumerate(SYMPTOMS) if mask & (1 << i)]


def label(mask: int, other: str = "") -> str:
    """“发热、咳嗽、其他（…）” for tables and exports."""
    names = to_names(mask)
    return "、".join(f"其他（{other}）" if n == "其他" and other else n for n in names)
