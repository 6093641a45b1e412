"""入学顺位: the ordered priority tiers as data, and which tier an application falls in (pure, no Django).

A tier is (rank, name, conditions); the first tier whose conditions all hold applies, and the
explanation says which conditions made it so (and, for better tiers, the first condition that failed).
Condition keys (any subset):
  person_household   "一致" (人户一致) or "分离" (人户分离)
  proof              list of accepted residence proofs: "房产证", "网签", "租赁", "其他"
  owner              list of accepted property owners: "父母", "祖辈", "其他"
  full_share         true: the owner holds 100 % of the property; false: a partial share
  min_holding_years  the property (or rental) registered at least this many years before the cut-off
  hukou_local        true: 户籍 in this district
  residence_permit   true: the child holds a 居住证 (随迁子女)
  points_met         true: the 居住证 points reach the standard
"""

import datetime
import re
from dataclasses import dataclass

# Shanghai 奉贤区 2024, nine tiers (shared/domain/admissions.md).
FENGXIAN_2024 = [
    (1, "人户一致，父母或本人 100% 产权", {"person_household": "一致", "proof": ["房产证"], "owner": ["父母"], "full_share": True}),
    (2, "人户一致，祖辈产权", {"person_household": "一致", "proof": ["房产证"], "owner": ["祖辈"]}),
    (3, "人户分离，父母产权", {"person_household": "分离", "proof": ["房产证"], "owner": ["父母"], "full_share": True}),
    (4, "人户分离，祖辈产权", {"person_household": "分离", "proof": ["房产证"], "owner": ["祖辈"]}),
    (5, "人户一致，部分产权", {"person_household": "一致", "proof": ["房产证"], "full_share": False}),
    (6, "人户分离，部分产权", {"person_household": "分离", "proof": ["房产证"], "full_share": False}),
    (7, "人户分离，购房网签", {"person_household": "分离", "proof": ["网签"]}),
    (8, "人户分离，租赁备案", {"person_household": "分离", "proof": ["租赁"]}),
    (9, "其他", {}),
]  # fmt: skip

# In the order a reader says them (describe); PostgreSQL's jsonb keeps keys in its own order.
CONDITION_KEYS = (
    "person_household", "proof", "owner", "full_share", "min_holding_years", "hukou_local",
    "residence_permit", "points_met",
)  # fmt: skip


@dataclass(frozen=True)
class Facts:
    """What the rules look at, taken from a verified application."""

    person_household_same: bool
    proof: str = ""
    owner: str = ""
    share: float | None = None
    since: datetime.date | None = None
    hukou_local: bool = False
    residence_permit: bool = False
    points_met: bool = False


def holding_years(since: datetime.date | None, on: datetime.date) -> int:
    """Whole years between the registration date and `on` (the cut-off)."""
    if since is None or since > on:
        return 0
    years = on.year - since.year
    return years - 1 if (on.month, on.day) < (since.month, since.day) else years


def _check(key: str, wanted, facts: Facts, on: datetime.date) -> tuple[bool, str]:
    """Whether one condition holds, and the sentence that says so."""
    if key == "person_household":
        actual = "一致" if facts.person_household_same else "分离"
        return actual == wanted, f"人户{actual}"
    if key == "proof":
        return facts.proof in wanted, f"居住证明为{facts.proof or '无'}"
    if key == "owner":
        return facts.owner in wanted, f"产权人为{facts.owner or '无'}"
    if key == "full_share":
        full = facts.share is not None and facts.share >= 100
        return full == bool(wanted), "产权份额 100%" if full else f"产权份额 {facts.share or 0:g}%"
    if key == "min_holding_years":
        years = holding_years(facts.since, on)
        return years >= int(wanted), f"持有 {years} 年（要求至少 {wanted} 年）"
    if key == "hukou_local":
        return facts.hukou_local == bool(wanted), "本区户籍" if facts.hukou_local else "非本区户籍"
    if key == "residence_permit":
        return facts.residence_permit == bool(wanted), "持居住证" if facts.residence_permit else "未持居住证"
    if key == "points_met":
        return facts.points_met == bool(wanted), "积分达标" if facts.points_met else "积分未达标"
    raise ValueError(f"未知的顺位条件：{key}")


def describe(conditions: dict) -> str:
    """The conditions of a tier as a reader says them: "人户一致；居住证明：房产证；产权人：父母；产权份额 100%"."""
    parts = []
    order = {key: i for i, key in enumerate(CONDITION_KEYS)}
    for key, wanted in sorted(conditions.items(), key=lambda item: order.get(item[0], len(order))):
        listed = "或".join(wanted) if isinstance(wanted, list | tuple) else str(wanted)
        if key == "person_household":
            parts.append(f"人户{wanted}")
        elif key == "proof":
            parts.append(f"居住证明：{listed}")
        elif key == "owner":
            parts.append(f"产权人：{listed}")
        elif key == "full_share":
            parts.append("产权份额 100%" if wanted else "部分产权")
        elif key == "min_holding_years":
            parts.append(f"持有至少 {wanted} 年")
        elif key == "hukou_local":
            parts.append("本区户籍" if wanted else "非本区户籍")
        elif key == "residence_permit":
            parts.append("持居住证" if wanted else "未持居住证")
        elif key == "points_met":
            parts.append("积分达标" if wanted else "积分未达标")
        else:
            parts.append(f"未知条件“{key}”")
    return "；".join(parts) or "其他所有申请"


# The words of describe(), read back by parse(): (pattern, key, value from the match).
_WORDS = [
    (r"人户(一致|分离)", "person_household", lambda m: m[1]),
    (r"居住证明[：:]\s*(.+)", "proof", lambda m: _listed(m[1])),
    (r"产权人[：:]\s*(.+)", "owner", lambda m: _listed(m[1])),
    (r"产权份额\s*100\s*%", "full_share", lambda m: True),
    (r"部分产权", "full_share", lambda m: False),
    (r"持有至少\s*(\d+)\s*年", "min_holding_years", lambda m: int(m[1])),
    (r"(非)?本区户籍", "hukou_local", lambda m: not m[1]),
    (r"(未)?持居住证", "residence_permit", lambda m: not m[1]),
    (r"积分(未)?达标", "points_met", lambda m: not m[1]),
]
WORDS_HELP = "人户一致／人户分离、居住证明：房产证或网签、产权人：父母或祖辈、产权份额 100%／部分产权、持有至少 3 年、本区户籍、持居住证、积分达标"


def _listed(text: str) -> list[str]:
    return [v.strip() for v in re.split(r"或|、|,|，", text) if v.strip()]


def parse(text: str) -> dict:
    """Conditions written in the words of describe() back to their keys; ValueError names a part not understood."""
    conditions = {}
    for part in (p.strip() for p in re.split(r"[；;]", text.strip())):
        if not part or part in ("其他所有申请", "无"):
            continue
        for pattern, key, value in _WORDS:
            match = re.fullmatch(pattern, part)
            if match:
                conditions[key] = value(match)
                break
        else:
            raise ValueError(f"不认识的条件“{part}”；可写：{WORDS_HELP}，多个条件用“；”分隔。")
    return conditions


def validate_conditions(conditions: dict) -> None:
    unknown = set(conditions) - set(CONDITION_KEYS)
    if unknown:
        raise ValueError(
            f"未知的顺位条件：{'、'.join(sorted(unknown))}；可用：{'、'.join(sorted(CONDITION_KEYS))}。"
        )


def classify(tiers, facts: Facts, on: datetime.date) -> tuple[int | None, str]:
    """The rank of the first tier whose conditions all hold, and why (None if no tier matches)."""
    missed = []
    for rank, name, conditions in sorted(tiers, key=lambda t: t[0]):
        results = [(key, *_check(key, wanted, facts, on)) for key, wanted in conditions.items()]
        failed = next((text for _key, ok, text in results if not ok), None)
        if failed is None:
            because = "，".join(text for _key, _ok, text in results) or "不符合以上各类条件"
            return rank, f"第{rank}类「{name}」：{because}。"
        missed.append(f"第{rank}类（{failed}）")
    return None, "不符合任何顺位：" + "；".join(missed) + "。"
