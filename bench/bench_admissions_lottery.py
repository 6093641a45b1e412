"""Benchmark: the verifiable lottery of 20,000 applicants (target <= 1 s).

    python bench/bench_admissions_lottery.py [--applicants 20000]

Prints the time of the draw itself (admissions.lottery.draw, best of 5) and of the whole
`edubureau admissions lottery` process (start-up, reading LIST.csv, writing ORDER.csv), and checks
that `verify-lottery` agrees with the written order.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edubureau.admissions.lottery import draw  # noqa: E402

SEED = "20260601-3-5-2-6-1-4"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applicants", type=int, default=20_000)
    n = parser.parse_args().applicants
    numbers = [f"2026MB{i:06d}" for i in range(1, n + 1)]
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        draw(numbers, SEED)
        timings.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        listing, order = Path(tmp) / "LIST.csv", Path(tmp) / "ORDER.csv"
        listing.write_text("applicant_id\n" + "\n".join(numbers) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "edubureau.cli", "admissions"]
        start = time.perf_counter()
        subprocess.run([*command, "lottery", "--applicants", str(listing), "--seed", SEED, "--out", str(order)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
        whole = time.perf_counter() - start
        verified = subprocess.run([*command, "verify-lottery", "--applicants", str(listing), "--seed", SEED, "--order", str(order)],
                                  cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    verdict = "ok" if whole <= 1.0 else "TOO SLOW"
    print(f"lottery of {n:,} applicants: draw {min(timings) * 1000:.0f} ms (best of 5); "
          f"whole `edubureau admissions lottery` process {whole:.2f} s (target <= 1 s: {verdict}); "
          f"verify-lottery: {'一致' if verified.returncode == 0 and '一致' in verified.stdout else 'FAILED'}")  # fmt: skip


if __name__ == "__main__":
    main()
