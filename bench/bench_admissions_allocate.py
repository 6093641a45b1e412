"""Benchmark: the whole `edubureau admissions allocate` process (interpreter start-up included).

    python bench/bench_admissions_allocate.py              # all three sizes (about 30 s, most of it `matching`)
    python bench/bench_admissions_allocate.py --skip-matching

Generates random instances in $TMPDIR/edubureau-bench/allocate-<n>x<m>/ (5 choices per applicant,
popular schools oversubscribed, a priority row for ~60% of applicants at their first choice, about
5% more places than applicants), then times the command as a subprocess:
  - 38,253 applicants x 150 schools, DA and IA      (target <= 3 s)
  - 200,000 applicants x 800 schools, DA and IA     (target <= 10 s)
  - 5,000 applicants x 40 schools, DA: ours and the PyPI package `matching` 1.4.3 (HospitalResident,
    resident-optimal), each as a whole process reading the same CSV files and writing RESULT.csv;
    asserts the two results are identical and prints the ratio (goal >= 10x).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDUBUREAU = [sys.executable, "-m", "edubureau.cli"]
CHOICES = 5

# The competitor as a whole process: read the same files, build the game, solve, write RESULT.csv.
MATCHING_SCRIPT = r"""
import csv, sys, warnings
sys.setrecursionlimit(100000)  # the package recurses per player when it copies the game
from matching.games import HospitalResident
schools, applicants, priorities, out = sys.argv[1:5]
def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))
capacity = {r["school_code"]: int(r["capacity"]) for r in read(schools)}
rows = read(applicants)
prio = {(r["school_code"], r["applicant_id"]): int(r["priority"]) for r in read(priorities)}
lottery = {r["applicant_id"]: int(r["lottery"]) for r in rows}
resident = {r["applicant_id"]: r["choices"].split(";") for r in rows if r["choices"]}
ranking = {s: [] for s in capacity}
for a, prefs in resident.items():
    for s in prefs:
        ranking[s].append(a)
inf = float("inf")
hospital = {s: sorted(ids, key=lambda a: (prio.get((s, a), inf), lottery[a])) for s, ids in ranking.items()}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    game = HospitalResident.create_from_dictionaries(resident, hospital, capacity)
    solution = game.solve(optimal="resident")
placed = {r.name: h.name for h, rs in solution.items() for r in rs}
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("applicant_id,school_code\n")
    f.writelines(f"{r['applicant_id']},{placed.get(r['applicant_id'], '')}\n" for r in rows)
"""


def generate(directory: Path, n: int, m: int, seed: int = 2026) -> None:
    if (directory / "PRIORITIES.csv").exists():
        return
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    codes = [f"{3101000000 + j:010d}" for j in range(m)]
    popularity = [1 / (j + 1) ** 0.6 for j in range(m)]  # a few schools everybody wants
    places = [max(1, round(n * 1.05 * w / sum(popularity) * rng.uniform(0.5, 1.0))) for w in popularity]
    lottery = rng.sample(range(1, 10 * n), n)
    with open(directory / "SCHOOLS.csv", "w", encoding="utf-8") as f:
        f.write("school_code,capacity\n")
        f.writelines(f"{c},{p}\n" for c, p in zip(codes, places, strict=True))
    with (
        open(directory / "APPLICANTS.csv", "w", encoding="utf-8") as a,
        open(directory / "PRIORITIES.csv", "w", encoding="utf-8") as p,
    ):
        a.write("applicant_id,lottery,choices\n")
        p.write("school_code,applicant_id,priority\n")
        for i in range(n):
            ranked = list(dict.fromkeys(rng.choices(range(m), popularity, k=3 * CHOICES)))[:CHOICES]
            applicant = f"2026{i + 1:07d}"
            a.write(f"{applicant},{lottery[i]},{';'.join(codes[s] for s in ranked)}\n")
            if rng.random() < 0.6:
                p.write(f"{codes[ranked[0]]},{applicant},{rng.randint(1, 5)}\n")


def run(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def ours(directory: Path, mechanism: str) -> float:
    return run([
        *EDUBUREAU, "admissions", "allocate", "--schools", str(directory / "SCHOOLS.csv"),
        "--applicants", str(directory / "APPLICANTS.csv"), "--priorities", str(directory / "PRIORITIES.csv"),
        "--mechanism", mechanism, "--out", str(directory / f"RESULT-{mechanism}.csv"),
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-matching", action="store_true", help="skip the 5,000 x 40 comparison")
    args = parser.parse_args()
    base = Path(tempfile.gettempdir()) / "edubureau-bench"
    print("| instance | mechanism | whole process | target |")
    print("|---|---|---|---|")
    for n, m, target in ((38_253, 150, 3.0), (200_000, 800, 10.0)):
        directory = base / f"allocate-{n}x{m}"
        generate(directory, n, m)
        for mechanism in ("da", "ia"):
            seconds = min(ours(directory, mechanism) for _ in range(3))
            verdict = "ok" if seconds <= target else "TOO SLOW"
            print(
                f"| {n:,} x {m} x {CHOICES} | {mechanism} | {seconds:.2f} s | <= {target:.0f} s {verdict} |"
            )
    if args.skip_matching:
        return
    directory = base / "allocate-5000x40"
    generate(directory, 5_000, 40)
    mine = ours(directory, "da")
    script = directory / "with_matching.py"
    script.write_text(MATCHING_SCRIPT, encoding="utf-8")
    theirs = run(
        [
            sys.executable,
            str(script),
            *(
                str(directory / f)
                for f in ("SCHOOLS.csv", "APPLICANTS.csv", "PRIORITIES.csv", "RESULT-matching.csv")
            ),
        ]
    )
    same = (directory / "RESULT-da.csv").read_bytes() == (directory / "RESULT-matching.csv").read_bytes()
    assert same, "the two matchings differ"
    print(f"\n5,000 x 40 x {CHOICES}, DA, whole process: ours {mine:.2f} s, matching 1.4.3 {theirs:.2f} s, "
          f"identical matching: {same}, ratio {theirs / mine:.1f}x (goal >= 10x)")  # fmt: skip


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    main()
