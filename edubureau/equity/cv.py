"""差异系数: the student-weighted coefficient of variation between schools (no Django).

With P_i the students of school i and X_i its indicator value, P = Σ P_i:
    X̄ = Σ P_i X_i / P,   S = sqrt(Σ P_i (X_i − X̄)² / P),   CV = S / X̄.
The weighting matters: the unweighted CV of the same values differs (docs/equity.md has examples).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from edubureau.equity.indicators import (
    DEFAULT_SETTINGS,
    INDICATORS,
    STAGE_LABELS,
    Assessment,
    Settings,
)


class CVError(ValueError):
    pass


@dataclass(frozen=True)
class CV:
    mean: float
    sd: float
    cv: float | None  # None when the mean is 0: the coefficient is undefined
    contributions: tuple[float, ...]  # each school's share of Σ P_i (X_i − X̄)², summing to 1 (or all 0)


def weighted_cv(values, weights) -> CV:
    """The weighted mean, SD and CV, and each school's share of the weighted variance."""
    values, weights = list(values), list(weights)
    if len(values) != len(weights):
        raise CVError("数值与学生数的个数不一致")
    if not values:
        raise CVError("没有学校，无法计算差异系数")
    for value, weight in zip(values, weights, strict=True):
        if not (math.isfinite(value) and math.isfinite(weight)):
            raise CVError(f"数值或学生数不是有限数：{value!r}, {weight!r}")
        if weight <= 0:
            raise CVError(f"学生数必须大于 0：{weight!r}")
        if value < 0:
            raise CVError(f"指标值不能为负数：{value!r}")
    total = math.fsum(weights)
    mean = math.fsum(p * x for p, x in zip(weights, values, strict=True)) / total
    squares = [p * (x - mean) ** 2 for p, x in zip(weights, values, strict=True)]
    spread = math.fsum(squares)
    sd = math.sqrt(spread / total)
    contributions = tuple(s / spread if spread > 0 else 0.0 for s in squares)
    return CV(mean, sd, (sd / mean) if mean > 0 else None, contributions)


@dataclass(frozen=True)
class IndicatorCV:
    """One indicator's CV over the schools of one 学段 whose value is known."""

    indicator: str
    stage: str
    mean: float | None
    sd: float | None
    cv: float | None
    threshold: float
    passed: bool | None  # None when nothing could be computed
    schools: tuple[str, ...] = ()  # the codes that entered, in order
    contributions: tuple[float, ...] = ()
    excluded: tuple[str, ...] = ()  # codes left out because their value or students are unknown

    @property
    def complete(self) -> bool:
        return not self.excluded and self.cv is not None

    def top_contributors(self, n: int = 5) -> list[tuple[str, float]]:
        ranked = sorted(zip(self.schools, self.contributions, strict=True), key=lambda c: -c[1])
        return ranked[:n]


@dataclass(frozen=True)
class StageCVs:
    stage: str
    indicators: dict[str, IndicatorCV] = field(default_factory=dict)

    @property
    def passed(self) -> bool | None:
        flags = [c.passed for c in self.indicators.values()]
        return None if None in flags else all(flags)


def stage_cvs(assessments: list[Assessment], stage: str, settings: Settings = DEFAULT_SETTINGS) -> StageCVs:
    """The seven CVs of one 学段. A school part whose value is unknown is listed in `excluded`, never
    silently dropped, so the page can say "computed over 38 of 40 schools"."""
    parts = [a for a in assessments if a.stage == stage]
    threshold = settings.cv_thresholds[stage]
    result = {}
    for key in INDICATORS:
        used = [a for a in parts if a.students and a.values.get(key) is not None]
        excluded = tuple(a.code for a in parts if not (a.students and a.values.get(key) is not None))
        if not used:
            result[key] = IndicatorCV(key, stage, None, None, None, threshold, None, excluded=excluded)
            continue
        cv = weighted_cv([a.values[key] for a in used], [a.students for a in used])
        passed = None if cv.cv is None else cv.cv <= threshold
        result[key] = IndicatorCV(
            key,
            stage,
            cv.mean,
            cv.sd,
            cv.cv,
            threshold,
            passed,
            tuple(a.code for a in used),
            cv.contributions,
            excluded,
        )
    return StageCVs(stage, result)


def describe(c: IndicatorCV) -> str:
    """A Chinese sentence for a CV cell, e.g. for the page's tooltip or the CLI."""
    label = STAGE_LABELS.get(c.stage, c.stage)
    if c.cv is None:
        return f"{label} {c.indicator}：无法计算（{len(c.excluded)} 所学校缺少数据）"
    verdict = "达标" if c.passed else "未达标"
    text = f"{label} {c.indicator}：差异系数 {c.cv:.4f}，标准 ≤ {c.threshold:.2f}，{verdict}"
    if c.excluded:
        text += f"（{len(c.excluded)} 所学校缺少数据未计入）"
    return text
