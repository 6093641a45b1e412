"""Cluster-rule evaluation: which rules a day's cases trigger, per class or per school.

Pure Python (no Django), so every window edge is unit-tested on constructed cases. The service
layer loads the rules (ClusterRule rows) and the school's cases of the longest window, calls
`clusters`, and persists one alert per cluster.

Counting: a case is one student's illness; a student absent several days is one case (distinct
students are counted). Windows are calendar days ending on the evaluated day: a 3-day window on
Wednesday covers Monday–Wednesday ("5 or more within 3 consecutive days"; "5 or more" includes 5).
A class rule's `day_threshold` counts the students reported on the evaluated day alone.
"""

import datetime
from dataclasses import dataclass, field

from .symptoms import UNDIAGNOSED


@dataclass(frozen=True)
class Rule:
    code: str
    level: str  # "class" | "school"
    window_days: int
    threshold: int
    diagnosis: str = ""
    symptoms_all: int = 0
    symptoms_any: int = 0
    day_threshold: int | None = None

    @property
    def has_syndrome(self) -> bool:
        return bool(self.symptoms_all or self.symptoms_any)

    def syndrome_matches(self, symptoms: int) -> bool:
        if not self.has_syndrome:
            return False
        if symptoms & self.symptoms_all != self.symptoms_all:
            return False
        return not self.symptoms_any or bool(symptoms & self.symptoms_any)

    def matches(self, case: "Case") -> bool:
        """A disease rule takes the diagnosed cases, and undiagnosed ones showing its syndrome;
        a rule without a diagnosis (the class rules' "similar symptoms") takes the syndrome alone."""
        if not self.diagnosis:
            return self.syndrome_matches(case.symptoms)
        if case.diagnosis == self.diagnosis:
            return True
        return case.diagnosis in UNDIAGNOSED and self.syndrome_matches(case.symptoms)


@dataclass(frozen=True)
class Case:
    id: int
    student_id: int
    class_id: int
    date: datetime.date
    symptoms: int
    diagnosis: str = ""


@dataclass
class Cluster:
    rule: Rule
    class_id: int | None  # None for a school-level cluster
    day: datetime.date
    cases: list[Case] = field(default_factory=list)

    @property
    def students(self) -> int:
        return len({c.student_id for c in self.cases})

    @property
    def first_date(self) -> datetime.date:
        return min(c.date for c in self.cases)


def matching_rules(rule_list: list[Rule], cases: list[Case]) -> dict[tuple, set[str]]:
    """(symptoms, diagnosis) -> the codes of the rules a case with them matches: a few hundred
    distinct pairs stand for thousands of cases."""
    matching: dict[tuple, set[str]] = {}
    for case in cases:
        key = (case.symptoms, case.diagnosis)
        if key not in matching:
            matching[key] = {r.code for r in rule_list if r.matches(case)}
    return matching


def longest_window(rules: list[Rule]) -> int:
    return max((r.window_days for r in rules), default=1)


def _fires(rule: Rule, cases: list[Case], day: datetime.date) -> bool:
    if len({c.student_id for c in cases}) >= rule.threshold:
        return True
    if rule.day_threshold:
        return len({c.student_id for c in cases if c.date == day}) >= rule.day_threshold
    return False


def clusters(
    rules: list[Rule], cases: list[Case], day: datetime.date, class_ids=None, matching=None
) -> list[Cluster]:
    """The clusters the rules find among one school's `cases` for the window ending on `day`.

    class_ids: evaluate class rules only for these classes (the ones whose report just arrived);
    None for all classes of the cases. matching: `matching_rules(rules, cases)` computed once for many
    schools' cases (a district day), else computed here.
    """
    found = []
    matching = matching if matching is not None else matching_rules(rules, cases)
    for rule in rules:
        start = day - datetime.timedelta(days=rule.window_days - 1)
        in_window = [
            c for c in cases if start <= c.date <= day and rule.code in matching[(c.symptoms, c.diagnosis)]
        ]
        if not in_window:
            continue
        if rule.level == "school":
            if _fires(rule, in_window, day):
                found.append(Cluster(rule, None, day, in_window))
            continue
        by_class: dict[int, list[Case]] = {}
        for case in in_window:
            by_class.setdefault(case.class_id, []).append(case)
        for class_id, class_cases in sorted(by_class.items()):
            if class_ids is not None and class_id not in class_ids:
                continue
            if _fires(rule, class_cases, day):
                found.append(Cluster(rule, class_id, day, class_cases))
    return found


@dataclass
class Episode:
    """A cluster over time: the days a rule fired for one class (or the school), merged while each
    firing comes within the rule's window of the previous one — what one alert stands for."""

    rule: Rule
    class_id: int | None
    first_date: datetime.date
    last_date: datetime.date
    cases: list[Case] = field(default_factory=list)

    @property
    def students(self) -> int:
        return len({c.student_id for c in self.cases})


def sweep(rule_list: list[Rule], cases: list[Case]) -> list[Episode]:
    """Every episode the rules find in one school's cases over a whole period, evaluated on each
    day that has a matching case (as submissions would evaluate them, one day at a time)."""
    matching = matching_rules(rule_list, cases)
    episodes = []
    for rule in rule_list:
        keyed: dict[int | None, list[Case]] = {}
        class_level = rule.level == "class"
        for case in cases:
            if rule.code in matching[(case.symptoms, case.diagnosis)]:
                keyed.setdefault(case.class_id if class_level else None, []).append(case)
        for class_id, rows in sorted(keyed.items(), key=lambda kv: kv[0] or 0):
            rows.sort(key=lambda c: c.date)
            current: Episode | None = None
            start = 0
            for end in range(len(rows)):
                day = rows[end].date
                if end + 1 < len(rows) and rows[end + 1].date == day:
                    continue  # evaluate once per day, with all of that day's cases
                while rows[start].date < day - datetime.timedelta(days=rule.window_days - 1):
                    start += 1
                window = rows[start : end + 1]
                if not _fires(rule, window, day):
                    continue
                if current is not None and current.last_date >= day - datetime.timedelta(
                    days=rule.window_days
                ):
                    seen = {c.id for c in current.cases}
                    current.cases.extend(c for c in window if c.id not in seen)
                    current.last_date = day
                else:
                    current = Episode(rule, class_id, min(c.date for c in window), day, list(window))
                    episodes.append(current)
    return episodes
