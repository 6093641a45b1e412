"""The teacher-exchange optimiser (交流轮岗): a mixed-integer model solved by HiGHS (no Django).

Goal, in this order (lexicographic, three solves of the same model):
  1. bring the CVs of indicators 1–3 (teachers per 100 students) under the 学段 threshold, or as
     close as possible (minimise the summed excess of CV² over threshold²);
  2. with that reached, bring as many school parts as possible to pass the 6-of-7 / 85 % rule;
  3. with both reached, move as few teachers as possible.
CV comes first because the district is judged on it; passing schools before the number of moves
because a failing school fails the district's inspection too, and the limits already bound the moves.

The model (docs/equity.md explains it in words):
  variables  out[i,m], in[i,m] ≥ 0 integers: teachers of kind m leaving / joining part i;
             z[i,k] ≥ 0: part i's term P_i (X_ik − X̄_k)² / (P X̄_k²) of CV_k²;
             r[i,k], f[i,k] binaries: indicator k of part i reaches the standard / 85 % of it;
             pass[i] binary; e[k] ≥ 0: remaining excess of CV_k².
  count      C[i,k] = T[i,k] + Σ_{m moves k} (in[i,m] − out[i,m])   (linear in the moves)
  balance    Σ_i out[i,m] = Σ_i in[i,m]  — teachers only change school, so Σ_i C[i,k] and hence X̄_k
             are constant, which makes CV_k² ≤ t² the separable constraint Σ_i z[i,k] ≤ t² + e[k];
  exactness  z[i,k] ≥ every secant of the convex g_i(c) = P_i (100c/P_i − X̄)² / (P X̄²) between
             consecutive integer counts: at integer counts the maximum of the secants *is* g_i, so the
             constraint is exact without binaries;
  pass       C[i,k] ≥ need·r[i,k], C[i,k] ≥ 0.85·need·f[i,k], Σ_k r + fixed reached ≥ 6·pass,
             f[i,k] ≥ pass, pass ≤ (the fixed indicators 4–7 are all ≥ 85 %);
  limits     out ≤ the part's pool of that kind; 骨干 out ≤ ⌊share·骨干⌋; Σ_m out ≤ max_out;
             Σ_m in ≤ max_in; locked parts neither give nor take; a part that passes keeps passing.
Net flows are paired into moves afterwards: with free pairing the number of teachers moved equals
Σ out, whichever source is paired with whichever target.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from edubureau.equity.indicators import (
    DEFAULT_SETTINGS,
    INDICATORS,
    INPUT_OF,
    OK,
    SchoolInputs,
    Settings,
    assess,
    reaches,
)
from edubureau.equity.whatif import KIND_EFFECTS, KINDS, Evaluation, Move, apply, evaluate, pool

TEACHER_INDICATORS = ("i1", "i2", "i3")
INPUT_TO_INDICATOR = {name: key for key, (name, _) in INPUT_OF.items()}
# Indicators each kind of move changes: a 骨干 teacher changes i2 and i1, and so on.
KIND_INDICATORS = {m: tuple(INPUT_TO_INDICATOR[n] for n in KIND_EFFECTS[m]) for m in KINDS}
# Without a per-school limit a part's count may still change by at most this much (keeps the model small).
RANGE_CAP = 40


@dataclass(frozen=True)
class Limits:
    kinds: tuple[str, ...] = KINDS
    backbone_share_out: float | None = 0.10  # no part gives more than this share of its 骨干
    max_out_per_school: int | None = 5  # teachers (all kinds) a part gives at most
    max_in_per_school: int | None = 5  # teachers (all kinds) a part receives at most
    locked: frozenset[str] = frozenset()  # school codes that neither give nor receive
    protect_passing: bool = True  # a part that passes must still pass
    time_limit: float = 25.0  # seconds for the three solves together


@dataclass(frozen=True)
class IndicatorGap:
    indicator: str
    cv_before: float | None
    cv_after: float | None
    threshold: float

    @property
    def excess(self) -> float:
        """How far above the threshold the CV remains (0 when it is under)."""
        return 0.0 if self.cv_after is None else max(0.0, self.cv_after - self.threshold)


@dataclass
class Plan:
    stage: str
    status: str  # "feasible" (every CV of i1–i3 under threshold), "infeasible", "no_data"
    moves: list[Move] = field(default_factory=list)
    before: Evaluation | None = None
    after: Evaluation | None = None
    gaps: dict[str, IndicatorGap] = field(default_factory=dict)
    unaddressable: list[str] = field(default_factory=list)  # i4–i7 above threshold: exchanges can't help
    excluded: list[str] = field(default_factory=list)  # parts left out for missing teacher data
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def teachers_moved(self) -> int:
        return sum(m.count for m in self.moves)

    @property
    def passing_before(self) -> int:
        return (
            sum(1 for a in self.before.assessments if a.stage == self.stage and a.passed)
            if self.before
            else 0
        )

    @property
    def passing_after(self) -> int:
        return (
            sum(1 for a in self.after.assessments if a.stage == self.stage and a.passed) if self.after else 0
        )


class _Model:
    """Variables and sparse rows for scipy.optimize.milp."""

    def __init__(self):
        self.lower, self.upper, self.integer = [], [], []
        self.rows, self.cols, self.vals, self.row_lower, self.row_upper = [], [], [], [], []

    def var(self, lower=0.0, upper=math.inf, integer=False) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.lower) - 1

    def row(self, terms: dict[int, float], lower=-math.inf, upper=math.inf) -> None:
        index = len(self.row_lower)
        for col, val in terms.items():
            if val:
                self.rows.append(index)
                self.cols.append(col)
                self.vals.append(val)
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def solve(self, objective: dict[int, float], time_limit: float):
        n = len(self.lower)
        c = np.zeros(n)
        for col, val in objective.items():
            c[col] = val
        matrix = coo_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.row_lower), n)).tocsr()
        return milp(
            c,
            integrality=np.array(self.integer),
            bounds=Bounds(np.array(self.lower), np.array(self.upper)),
            constraints=LinearConstraint(matrix, np.array(self.row_lower), np.array(self.row_upper)),
            options={"time_limit": max(1.0, time_limit), "disp": False, "mip_rel_gap": 1e-6},
        )


def _term(students: float, count: float, mean: float, total: float) -> float:
    return students * (100 * count / students - mean) ** 2 / (total * mean**2)


def propose(
    parts: list[SchoolInputs], stage: str, limits: Limits = Limits(), settings: Settings = DEFAULT_SETTINGS
) -> Plan:
    """The smallest exchange plan for one 学段; `parts` may hold other 学段 too (they are kept as is)."""
    started = time.perf_counter()
    plan = Plan(stage=stage, status="no_data")
    plan.before = evaluate(parts, settings)
    nodes = [
        p
        for p in parts
        if p.stage == stage
        and p.students
        and all(
            getattr(p, n) is not None for n in ("qualified_teachers", "backbone_teachers", "pe_art_teachers")
        )
    ]
    chosen = {id(p) for p in nodes}
    plan.excluded = [p.code for p in parts if p.stage == stage and id(p) not in chosen]
    if plan.excluded:
        plan.messages.append(
            f"{len(plan.excluded)} 所学校缺少学生数或教师数，未参与优化：{'、'.join(plan.excluded[:10])}"
        )
    if len(nodes) < 2:
        plan.messages.append("参与优化的学校少于 2 所，无法交流")
        plan.after = plan.before
        _report(plan, stage, settings)
        plan.seconds = time.perf_counter() - started
        return plan

    exchange = _ExchangeModel(nodes, stage, limits, settings)
    solution = exchange.solve(plan)
    if solution is None:
        plan.after = plan.before
    else:
        plan.moves = _pair(nodes, exchange.kinds, exchange.out, exchange.inn, solution, stage)
        plan.after = evaluate(apply(parts, plan.moves), settings)
    _report(plan, stage, settings)
    plan.seconds = time.perf_counter() - started
    return plan


class _ExchangeModel:
    """The MILP of one 学段: flows, exact CV rows, pass rows, and the three lexicographic solves."""

    def __init__(self, nodes: list[SchoolInputs], stage: str, limits: Limits, settings: Settings):
        self.nodes, self.limits, self.settings = nodes, limits, settings
        self.threshold = settings.cv_thresholds[stage]
        self.standards = settings.standards[stage]
        self.kinds = [m for m in limits.kinds if m in KINDS]
        self.model = _Model()
        self.total = sum(p.students for p in nodes)
        self.counts = {k: [getattr(p, INPUT_OF[k][0]) for p in nodes] for k in TEACHER_INDICATORS}
        self.means = {k: 100 * sum(self.counts[k]) / self.total for k in TEACHER_INDICATORS}
        self.out, self.inn, self.out_cap = {}, {}, {}
        self.excess = {k: self.model.var(0) for k in TEACHER_INDICATORS}
        self.passes = {}
        self._add_flows()
        # (i, k) -> {variable: ±1} so that C[i,k] = T[i,k] + Σ flows
        self.flows = {
            (i, k): {
                var: sign
                for m in self.kinds
                if k in KIND_INDICATORS[m]
                for var, sign in ((self.inn[i, m], 1.0), (self.out[i, m], -1.0))
            }
            for i in range(len(nodes))
            for k in TEACHER_INDICATORS
        }
        for k in TEACHER_INDICATORS:
            self._add_cv(k)
        for i in range(len(nodes)):
            self._add_pass(i)

    def _add_flows(self) -> None:
        model, limits, nodes = self.model, self.limits, self.nodes
        for i, p in enumerate(nodes):
            for m in self.kinds:
                cap = math.floor(pool(p, m) + 1e-9)
                if m == "backbone" and limits.backbone_share_out is not None:
                    cap = min(cap, math.floor(limits.backbone_share_out * (p.backbone_teachers or 0) + 1e-9))
                if limits.max_out_per_school is not None:
                    cap = min(cap, limits.max_out_per_school)
                self.out_cap[i, m] = 0 if p.code in limits.locked else max(0, cap)
        for m in self.kinds:
            total_cap = sum(self.out_cap[i, m] for i in range(len(nodes)))
            for i, p in enumerate(nodes):
                cap = total_cap - self.out_cap[i, m]
                if limits.max_in_per_school is not None:
                    cap = min(cap, limits.max_in_per_school)
                self.out[i, m] = model.var(0, self.out_cap[i, m], integer=True)
                self.inn[i, m] = model.var(0, 0 if p.code in limits.locked else cap, integer=True)
            model.row(
                {
                    **{self.out[i, m]: 1.0 for i in range(len(nodes))},
                    **{self.inn[i, m]: -1.0 for i in range(len(nodes))},
                },
                0,
                0,
            )
        for i in range(len(nodes)):
            if limits.max_out_per_school is not None:
                model.row({self.out[i, m]: 1 for m in self.kinds}, upper=limits.max_out_per_school)
            if limits.max_in_per_school is not None:
                model.row({self.inn[i, m]: 1 for m in self.kinds}, upper=limits.max_in_per_school)

    def _add_cv(self, k: str) -> None:
        """Σ_i z[i,k] ≤ t² + e[k], z above the secants of the convex term at every integer step."""
        model, limits, mean = self.model, self.limits, self.means[k]
        if mean <= 0:
            return  # nobody has such teachers: the CV is undefined and moves cannot change that
        cv_row = {self.excess[k]: -1.0}
        for i, p in enumerate(self.nodes):
            base, flows = self.counts[k][i], self.flows[i, k]
            moving = [m for m in self.kinds if k in KIND_INDICATORS[m]]
            down = sum(self.out_cap[i, m] for m in moving)
            up = sum(model.upper[self.inn[i, m]] for m in moving)
            if limits.max_out_per_school is not None:
                down = min(down, limits.max_out_per_school)
            if limits.max_in_per_school is not None:
                up = min(up, limits.max_in_per_school)
            down, up = min(down, RANGE_CAP, math.floor(base + 1e-9)), min(up, RANGE_CAP)
            z = model.var(0)
            cv_row[z] = 1.0
            if not flows or down == up == 0:
                model.row({z: 1.0}, lower=_term(p.students, base, mean, self.total))
                continue
            model.row(flows, -down, up)
            for step in range(-down, up):
                a = _term(p.students, base + step, mean, self.total)
                b = _term(p.students, base + step + 1, mean, self.total)
                # z ≥ a + (b − a)(C − base − step), where C − base = Σ flows
                model.row(
                    {z: 1.0, **{v: -(b - a) * sign for v, sign in flows.items()}}, lower=a - (b - a) * step
                )
        model.row(cv_row, upper=self.threshold**2)

    def _add_pass(self, i: int) -> None:
        """pass[i] only if 6 of 7 reach the standard and all reach 85 % (i4–i7 are fixed)."""
        p, model, settings, standards = self.nodes[i], self.model, self.settings, self.standards
        current = assess(p, settings)
        if current.status != OK:
            return  # pass undecidable: the resources are not confirmed yet
        fixed = [k for k in INDICATORS if k not in TEACHER_INDICATORS]
        fixed_reached = sum(reaches(current.values[k], standards[k]) for k in fixed)
        fixed_floor = all(reaches(current.values[k], standards[k], settings.floor_share) for k in fixed)
        if not fixed_floor or fixed_reached + len(TEACHER_INDICATORS) < settings.min_reached:
            return  # cannot pass whatever the teachers do
        passed = self.passes[i] = model.var(
            1 if self.limits.protect_passing and current.passed else 0, 1, True
        )
        reach_row = {passed: -float(settings.min_reached)}
        for k in TEACHER_INDICATORS:
            need = standards[k] * p.students / 100 * (1 - 1e-9)
            r, f = model.var(0, 1, integer=True), model.var(0, 1, integer=True)
            # C ≥ need·r  ⇔  Σ flows − need·r ≥ −T
            model.row({**self.flows[i, k], r: -need}, lower=-self.counts[k][i])
            model.row({**self.flows[i, k], f: -need * settings.floor_share}, lower=-self.counts[k][i])
            model.row({f: 1.0, passed: -1.0}, lower=0)
            reach_row[r] = 1.0
        model.row(reach_row, lower=-float(fixed_reached))

    def solve(self, plan: Plan):
        """Minimise the CV excess, then maximise passing parts, then minimise moves; each optimum is
        kept as a constraint for the next solve. Returns the solution vector, or None."""
        budget = self.limits.time_limit

        def run(objective):
            nonlocal budget
            tick = time.perf_counter()
            result = self.model.solve(objective, budget)
            budget -= time.perf_counter() - tick
            if result.status == 1 and not plan.timed_out:
                plan.timed_out = True
                plan.messages.append("求解达到时间上限，方案可能不是最优")
            elif result.x is None:
                plan.messages.append(f"求解器未给出方案：{result.message}")
            return result

        first = run(dict.fromkeys(self.excess.values(), 1.0))
        if first.x is None:
            return None
        best_excess = sum(first.x[e] for e in self.excess.values())
        # A little slack: HiGHS's tolerances must not make the next solve infeasible.
        self.model.row(dict.fromkeys(self.excess.values(), 1.0), upper=best_excess * (1 + 1e-3) + 1e-5)
        solution = first.x
        if self.passes:
            second = run(dict.fromkeys(self.passes.values(), -1.0))
            if second.x is not None:
                solution = second.x
                best_pass = round(sum(second.x[v] for v in self.passes.values()))
                self.model.row(dict.fromkeys(self.passes.values(), 1.0), lower=best_pass - 0.5)
        third = run(dict.fromkeys(self.out.values(), 1.0))
        return solution if third.x is None else third.x


def _pair(nodes, kinds, out, inn, x, stage) -> list[Move]:
    """Turn net flows into moves: the largest giver sends to the largest taker, and so on."""
    moves = []
    for m in kinds:
        givers = [[round(x[out[i, m]]), nodes[i].code] for i in range(len(nodes)) if round(x[out[i, m]]) > 0]
        takers = [[round(x[inn[i, m]]), nodes[i].code] for i in range(len(nodes)) if round(x[inn[i, m]]) > 0]
        # A part that both gives and takes the same kind only cancels out; keep the net.
        givers.sort(key=lambda g: (-g[0], g[1]))
        takers.sort(key=lambda t: (-t[0], t[1]))
        gi = ti = 0
        while gi < len(givers) and ti < len(takers):
            count = min(givers[gi][0], takers[ti][0])
            if givers[gi][1] != takers[ti][1]:
                moves.append(Move(m, givers[gi][1], takers[ti][1], count, stage))
            givers[gi][0] -= count
            takers[ti][0] -= count
            gi += givers[gi][0] == 0
            ti += takers[ti][0] == 0
    return moves


def _report(plan: Plan, stage: str, settings: Settings) -> None:
    """Gaps computed from the plan applied with what-if, not from the solver's numbers."""
    before = plan.before.cvs.get(stage)
    after = plan.after.cvs.get(stage)
    if before is None or after is None:
        plan.status = "no_data"
        return
    for k in INDICATORS:
        gap = IndicatorGap(k, before.indicators[k].cv, after.indicators[k].cv, settings.cv_thresholds[stage])
        if k in TEACHER_INDICATORS:
            plan.gaps[k] = gap
        elif gap.excess > 0:
            plan.unaddressable.append(k)
    known = [g for g in plan.gaps.values() if g.cv_after is not None]
    if not known:
        plan.status = "no_data"
    elif all(g.excess == 0 for g in known):
        plan.status = "feasible"
    else:
        plan.status = "infeasible"
        worst = ", ".join(
            f"{g.indicator} {g.cv_after:.4f} > {g.threshold:.2f}" for g in known if g.excess > 0
        )
        plan.messages.append(f"在当前限制下无法使全部差异系数达标，仍超出：{worst}")
    if plan.unaddressable:
        plan.messages.append(
            f"{'、'.join(plan.unaddressable)} 的差异系数超标，需增加校舍、场地、设备或教室，教师交流无法解决"
        )
