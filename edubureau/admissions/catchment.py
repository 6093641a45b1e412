"""Catchment (对口 / 学区划分) matching: which rule covers a residence address. Pure, no Django.

A rule names some of: 街道（镇）, 居委/小区, 路（弄）, and a house-number range on that road (all
numbers, odd side or even side). An address matches a rule when every part the rule names agrees
with the address. The most specific matching rules win (a rule for one side of a road beats the
rule for the whole road, which beats the rule for the whole 居委, which beats the whole 街道), so a
district can write "街道 X → A 小学, except 莘松路 1–99 单号 → B 小学". Two rules of the same
specificity that both match are a conflict the check page lists.
"""

import re
import unicodedata
from dataclasses import dataclass, field

ALL, ODD, EVEN = "全部", "单号", "双号"

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"(\d+)\s*号")
# A free-text address: "[上海市][闵行区]莘庄镇莘松小区莘松路88弄5号[201室]".
_PARTS = re.compile(
    r"^(?:.*?[省市])?(?:.*?[区县])?"
    r"(?P<street>[^区县]*?(?:街道|镇|乡))?"
    r"(?P<community>.*?(?:居委会|居委|村委会|小区|新村|花园|苑|村))?"
    r"(?P<road>.*?(?:路|街|道|巷|弄|大道|公路)(?:\d+弄)?)?"
    r"(?P<number>\d+)?号?"
)


def normalise(text: str | None) -> str:
    """Full-width to ASCII, no white space; 居委会 written as 居委 (people write both)."""
    value = _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))
    return value.replace("居委会", "居委").replace("村委会", "村")


@dataclass(frozen=True)
class Address:
    street: str = ""
    community: str = ""
    road: str = ""
    number: int | None = None

    @classmethod
    def of(cls, street="", community="", road="", number=None) -> "Address":
        return cls(normalise(street), normalise(community), normalise(road), number)

    @classmethod
    def parse(cls, text: str) -> "Address":
        """Best effort on a free-text address: the parts it can recognise."""
        value = normalise(text)
        m = _PARTS.match(value)
        parts = m.groupdict() if m else {}
        number = parts.get("number")
        if number is None:
            found = _NUMBER.search(value)
            number = found.group(1) if found else None
        return cls(parts.get("street") or "", parts.get("community") or "", parts.get("road") or "",
                   int(number) if number else None)  # fmt: skip

    def __str__(self):
        number = f"{self.number}号" if self.number is not None else ""
        return "".join((self.street, self.community, self.road, number)) or "（空地址）"


@dataclass(frozen=True)
class Rule:
    id: int
    target: str  # what it maps to, in words: "上海市实验小学" or "多校划片：莘庄片区（3 所）"
    street: str = ""
    community: str = ""
    road: str = ""
    number_from: int | None = None
    number_to: int | None = None
    parity: str = ALL

    @property
    def has_range(self) -> bool:
        return self.number_from is not None or self.number_to is not None or self.parity != ALL

    @property
    def specificity(self) -> tuple[int, int, int, int]:
        return (int(self.has_range), int(bool(self.road)), int(bool(self.community)), int(bool(self.street)))

    def describe(self) -> str:
        parts = [p for p in (self.street, self.community, self.road) if p]
        if self.has_range:
            lo = self.number_from if self.number_from is not None else 1
            hi = f"{self.number_to}" if self.number_to is not None else "∞"
            side = "" if self.parity == ALL else f"（{self.parity}）"
            parts.append(f"{lo}–{hi}号{side}")
        return " ".join(parts) or "（全区）"

    def mismatch(self, address: Address) -> str | None:
        """Why the address is not covered, or None when it is."""
        for label, wanted, given in (("街道", self.street, address.street), ("居委/小区", self.community, address.community),
                                     ("路", self.road, address.road)):  # fmt: skip
            if wanted and wanted != given:
                return f"{label}不符（规则：{wanted}，地址：{given or '未填'}）"
        if not self.has_range:
            return None
        n = address.number
        if n is None:
            return "地址没有门牌号"
        if (
            self.number_from is not None
            and n < self.number_from
            or self.number_to is not None
            and n > self.number_to
        ):
            return f"门牌号 {n} 不在范围内"
        if self.parity == ODD and n % 2 == 0 or self.parity == EVEN and n % 2 == 1:
            return f"门牌号 {n} 不是{self.parity}"
        return None


@dataclass
class Match:
    address: Address
    rules: list[Rule] = field(default_factory=list)  # the winning rules: one, or several = a conflict
    overridden: list[Rule] = field(default_factory=list)  # less specific rules that also cover it

    @property
    def rule(self) -> Rule | None:
        return self.rules[0] if len(self.rules) == 1 else None

    @property
    def status(self) -> str:
        return "未匹配" if not self.rules else "匹配" if len(self.rules) == 1 else "冲突"

    def explain(self) -> str:
        if not self.rules:
            return f"地址“{self.address}”不在任何对口/划片规则内。"
        if len(self.rules) > 1:
            listed = "；".join(f"规则 {r.id}（{r.describe()} → {r.target}）" for r in self.rules)
            return f"地址“{self.address}”同时符合 {len(self.rules)} 条同样具体的规则：{listed}。请修改规则。"
        rule = self.rules[0]
        text = f"地址“{self.address}”符合规则 {rule.id}：{rule.describe()} → {rule.target}。"
        if self.overridden:
            others = "；".join(f"规则 {r.id}（{r.describe()}）" for r in self.overridden)
            text += f"它比同样覆盖该地址的 {others} 更具体，因此优先。"
        return text


class Matcher:
    """Rules indexed by their street, community and road so a lookup tries only the candidates."""

    def __init__(self, rules):
        self.by_key: dict[tuple[str, str], list[Rule]] = {}
        for rule in rules:
            key = (
                ("road", rule.road)
                if rule.road
                else ("community", rule.community)
                if rule.community
                else ("street", rule.street)
            )
            self.by_key.setdefault(key, []).append(rule)

    def match(self, address: Address) -> Match:
        keys = [("road", address.road), ("community", address.community), ("street", address.street)]
        candidates = [r for key in keys if key[1] for r in self.by_key.get(key, ())]
        candidates += self.by_key.get(("street", ""), [])  # a rule naming nothing covers the district
        covering = [r for r in candidates if r.mismatch(address) is None]
        if not covering:
            return Match(address)
        best = max(r.specificity for r in covering)
        return Match(
            address,
            sorted((r for r in covering if r.specificity == best), key=lambda r: r.id),
            sorted((r for r in covering if r.specificity != best), key=lambda r: r.specificity, reverse=True),
        )

    def near_misses(self, address: Address, limit: int = 5) -> list[tuple[Rule, str]]:
        """Rules on the same road, 居委 or street that do not cover the address, and why (for the lookup page)."""
        seen, misses = set(), []
        for key in (("road", address.road), ("community", address.community), ("street", address.street)):
            for rule in self.by_key.get(key, ()) if key[1] else ():
                reason = rule.mismatch(address)
                if reason and rule.id not in seen:
                    seen.add(rule.id)
                    misses.append((rule, reason))
        return misses[:limit]
