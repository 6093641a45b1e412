"""The verifiable lottery, version 1 (shared/domain/lottery.md): a pure module, no Django.

Anyone holding the published applicant list and the public seed recomputes the same order, so a
family or a notary can check a draw offline with `edubureau admissions verify-lottery`.
"""

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

DOMAIN = "edubureau-lottery-v1\n"
TWO_64 = 1 << 64


class LotteryError(ValueError):
    """Bad input, with a Chinese message that says what to fix."""


def clean_applicants(raw: Iterable[str]) -> list[str]:
    """Application numbers trimmed of white space; refuses empty, control characters and repeats."""
    seen, applicants = set(), []
    for line_no, value in enumerate(raw, start=1):
        number = value.strip()
        if not number:
            raise LotteryError(f"第 {line_no} 个申请编号为空。")
        if any(unicodedata.category(ch).startswith("C") for ch in number):
            raise LotteryError(f"第 {line_no} 个申请编号“{number!r}”含控制字符。")
        if number in seen:
            raise LotteryError(f"申请编号 {number} 重复出现，每个编号只能出现一次。")
        seen.add(number)
        applicants.append(number)
    return applicants


def list_hash(applicants: Iterable[str]) -> str:
    """SHA-256 of the numbers sorted by code point, each followed by a newline."""
    canonical = "".join(f"{number}\n" for number in sorted(applicants))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _random_words(key: bytes):
    """Successive 8-byte big-endian integers from HMAC-SHA256(key, counter) blocks."""
    counter = 0
    while True:
        block = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha256).digest()
        for offset in range(0, len(block), 8):
            yield int.from_bytes(block[offset : offset + 8], "big")
        counter += 1


@dataclass(frozen=True)
class Draw:
    list_hash: str
    seed: str
    order: list[str]  # order[0] holds lottery number 1


def draw(applicants: Iterable[str], seed: str) -> Draw:
    """The draw order of the applicants under the public seed (Fisher–Yates, rejection sampling)."""
    order = sorted(clean_applicants(applicants))
    digest = list_hash(order)
    key = hashlib.sha256(f"{DOMAIN}{digest}\n{seed}".encode()).digest()
    words = _random_words(key)
    for i in range(len(order) - 1, 0, -1):
        m = i + 1
        limit = TWO_64 - (TWO_64 % m)  # reject the top sliver so every j is equally likely
        u = next(words)
        while u >= limit:
            u = next(words)
        j = u % m
        order[i], order[j] = order[j], order[i]
    return Draw(list_hash=digest, seed=seed, order=order)


def record_hash(previous: str, result: Draw) -> str:
    """The chained record of a published draw: none can be replaced without breaking the chain."""
    text = previous + result.list_hash + result.seed + "\n".join(result.order)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_difference(expected: list[str], claimed: list[str]) -> int | None:
    """The first rank (1-based) where a claimed order differs from the recomputed one, else None."""
    for rank, (a, b) in enumerate(zip(expected, claimed, strict=False), start=1):
        if a != b:
            return rank
    if len(expected) != len(claimed):
        return min(len(expected), len(claimed)) + 1
    return None
