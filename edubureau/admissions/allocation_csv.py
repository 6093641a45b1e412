"""The offline allocation files (SCHOOLS / APPLICANTS / PRIORITIES / RESULT .csv). Pure, no Django.

Every problem is reported with the file, the line and what to fix; reading collects all of a file's
problems before failing, and nothing is written unless every file is valid. The result is written
to a temporary file and renamed, so a failed run never leaves a partial RESULT.csv.
"""

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCHOOLS_HEADER = ["school_code", "capacity"]
APPLICANTS_HEADER = ["applicant_id", "lottery", "choices"]
PRIORITIES_HEADER = ["school_code", "applicant_id", "priority"]
RESULT_HEADER = ["applicant_id", "school_code"]
SHOWN = 20  # problems listed in the message; the rest are counted

_INTEGER = re.compile(r"[+-]?[0-9]+")
_INTEGERS = re.compile(r"[+-]?[0-9]+(?:,[+-]?[0-9]+)*")  # many integers joined by commas, in one match


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 0: the file as a whole
    message: str

    def __str__(self):
        return (
            f"{self.file} 第 {self.line} 行：{self.message}" if self.line else f"{self.file}：{self.message}"
        )


class InputError(ValueError):
    """One or more problems in the input files; str() lists them in Chinese."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems[:SHOWN]]
        if len(problems) > SHOWN:
            lines.append(f"……另有 {len(problems) - SHOWN} 处错误")
        super().__init__("\n".join(lines))


@dataclass
class Instance:
    school_codes: list[str]
    capacities: list[int]
    applicant_ids: list[str]
    lottery: list[int]
    choices: list[list[int]]
    priorities: list[dict[int, int]] | None = None
    school_index: dict[str, int] = field(default_factory=dict)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GBK (what Excel on a Chinese Windows saves)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gbk")
    except UnicodeDecodeError:
        raise InputError([Problem(name, 0, "无法识别文件编码，请另存为 UTF-8 编码的 CSV 文件")]) from None


class _Reader:
    """Rows of one CSV file after its header, with their line numbers; problems collected."""

    def __init__(self, path: str | os.PathLike, header: list[str]):
        self.name = str(path)
        self.problems: list[Problem] = []
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise InputError([Problem(self.name, 0, "文件不存在")]) from None
        except OSError as e:
            raise InputError([Problem(self.name, 0, f"无法读取文件（{e.strerror}）")]) from None
        if not data.strip():
            raise InputError([Problem(self.name, 0, f"文件为空；第一行应为表头 {','.join(header)}")])
        text = decode(data, self.name)
        self.reader = csv.reader(io.StringIO(text, newline=""))
        try:
            first = next(self.reader)
        except csv.Error as e:
            raise InputError([Problem(self.name, 1, f"CSV 格式错误（{e}）")]) from None
        if [h.strip().lower() for h in first] != header:
            raise InputError(
                [Problem(self.name, 1, f"表头应为 {','.join(header)}（现为 {','.join(first)}）")]
            )
        self.width = len(header)
        # Without quotes, spaces or tabs every row is one line and no cell needs trimming: the rows
        # can be taken whole and checked column-wise (the fast path of a 200,000-line file).
        self.plain = not any(ch in text for ch in '" \t')
        self.all = list(self.reader) if self.plain else None

    def fast_rows(self) -> list[list[str]] | None:
        """All data rows (line = index + 2) if the file is plain and every row has the right width."""
        if self.all is None or any(len(row) != self.width for row in self.all):
            return None
        return self.all

    def rows(self):
        """(line, trimmed cells) of every non-blank row; wrong widths and CSV errors are recorded."""
        reader = self.reader
        numbered = (
            enumerate(self.all, start=2) if self.all is not None else ((reader.line_num, r) for r in reader)
        )
        line = 1
        try:
            for line, row in numbered:
                if not any(cell.strip() for cell in row):
                    continue  # blank lines (a trailing newline, an empty row from Excel)
                if len(row) != self.width:
                    self.error(line, f"应有 {self.width} 列，现有 {len(row)} 列")
                    continue
                yield line, [cell.strip() for cell in row]
        except csv.Error as e:
            self.error(reader.line_num, f"CSV 格式错误（{e}）")

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def integer(self, line: int, value: str, what: str) -> int | None:
        if not _INTEGER.fullmatch(value):
            self.error(line, f"{what}应为整数（现为“{value}”）" if value else f"{what}不能为空")
            return None
        return int(value)

    def finish(self, empty_message: str | None, count: int) -> None:
        if count == 0 and empty_message and not self.problems:
            self.error(0, empty_message)
        if self.problems:
            raise InputError(self.problems)


def read_schools(path) -> tuple[list[str], list[int]]:
    reader = _Reader(path, SCHOOLS_HEADER)
    codes, capacities, first_line = [], [], {}
    for line, (code, capacity) in reader.rows():
        if not code:
            reader.error(line, "school_code 不能为空")
            continue
        if code in first_line:
            reader.error(line, f"学校代码 {code} 与第 {first_line[code]} 行重复")
            continue
        first_line[code] = line
        number = reader.integer(line, capacity, "capacity（学位数）")
        if number is not None and number < 0:
            reader.error(line, f"capacity（学位数）不能为负数（现为 {number}）")
        codes.append(code)
        capacities.append(number or 0)
    reader.finish("没有学校数据行", len(codes))
    return codes, capacities


def _integers(texts) -> list[int] | None:
    """The texts as integers if every one is a plain integer (one regex match for all of them)."""
    return list(map(int, texts)) if texts and _INTEGERS.fullmatch(",".join(texts)) else None


def _applicants_fast(rows, school_index):
    """Valid files in a few column-wise passes; None if anything is off (the row-wise pass says what)."""
    ids, numbers, ranked = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    if not ids or len(set(ids)) != len(ids) or "" in ids:
        return None
    lottery = _integers(numbers)
    if lottery is None or len(set(lottery)) != len(lottery):
        return None
    get = school_index.__getitem__
    try:
        choices = [list(map(get, text.split(";"))) if text else [] for text in ranked]
    except KeyError:
        return None
    if any(len(set(c)) != len(c) for c in choices):
        return None
    return ids, lottery, choices


def read_applicants(path, school_index: dict[str, int]) -> tuple[list[str], list[int], list[list[int]]]:
    reader = _Reader(path, APPLICANTS_HEADER)
    rows = reader.fast_rows()
    fast = _applicants_fast(rows, school_index) if rows is not None else None
    if fast is not None:
        return fast
    ids, lottery, choices = [], [], []
    id_line: dict[str, int] = {}
    lottery_line: dict[int, int] = {}
    for line, (applicant, number_text, choice_text) in reader.rows():
        if not applicant:
            reader.error(line, "applicant_id 不能为空")
        elif applicant in id_line:
            reader.error(line, f"申请编号 {applicant} 与第 {id_line[applicant]} 行重复")
        else:
            id_line[applicant] = line
        number = reader.integer(line, number_text, "lottery（随机号）")
        if number is not None:
            if number in lottery_line:
                reader.error(line, f"随机号 {number} 与第 {lottery_line[number]} 行重复，随机号必须互不相同")
            else:
                lottery_line[number] = line
        ranked = []
        codes = [c.strip() for c in choice_text.split(";")] if choice_text else []
        for code in codes:
            s = school_index.get(code)
            if s is None:
                reader.error(
                    line,
                    f"志愿中的学校“{code}”不在学校文件中" if code else "志愿中有空的学校代码（多余的分号？）",
                )
            elif s in ranked:
                reader.error(line, f"学校 {code} 在志愿中出现了两次")
            else:
                ranked.append(s)
        ids.append(applicant)
        lottery.append(number or 0)
        choices.append(ranked)
    reader.finish("没有申请人数据行", len(ids))
    return ids, lottery, choices


def _priorities_fast(rows, school_index, applicant_index):
    if not rows:
        return [{} for _ in school_index]
    codes, applicants, numbers = zip(*rows, strict=True)
    try:
        schools = list(map(school_index.__getitem__, codes))
        people = list(map(applicant_index.__getitem__, applicants))
    except KeyError:
        return None
    priorities = _integers(numbers)
    if priorities is None or len(set(zip(schools, people, strict=True))) != len(rows):
        return None
    tables: list[dict[int, int]] = [{} for _ in school_index]
    for s, i, priority in zip(schools, people, priorities, strict=True):
        tables[s][i] = priority
    return tables


def read_priorities(
    path, school_index: dict[str, int], applicant_index: dict[str, int]
) -> list[dict[int, int]]:
    reader = _Reader(path, PRIORITIES_HEADER)
    rows = reader.fast_rows()
    fast = _priorities_fast(rows, school_index, applicant_index) if rows is not None else None
    if fast is not None:
        return fast
    tables: list[dict[int, int]] = [{} for _ in school_index]
    pair_line: dict[tuple[int, int], int] = {}
    for line, (code, applicant, priority_text) in reader.rows():
        s = school_index.get(code)
        i = applicant_index.get(applicant)
        if s is None:
            reader.error(line, f"学校“{code}”不在学校文件中" if code else "school_code 不能为空")
        if i is None:
            reader.error(
                line, f"申请编号“{applicant}”不在申请人文件中" if applicant else "applicant_id 不能为空"
            )
        priority = reader.integer(line, priority_text, "priority（优先级）")
        if s is None or i is None or priority is None:
            continue
        if (s, i) in pair_line:
            reader.error(line, f"学校 {code} 对申请人 {applicant} 的优先级与第 {pair_line[s, i]} 行重复")
            continue
        pair_line[s, i] = line
        tables[s][i] = priority
    reader.finish(None, 0)
    return tables


def read_instance(schools, applicants, priorities=None) -> Instance:
    """All three files, checked; raises InputError naming every problem found."""
    codes, capacities = read_schools(schools)
    school_index = {code: s for s, code in enumerate(codes)}
    ids, lottery, choices = read_applicants(applicants, school_index)
    tables = None
    if priorities:
        tables = read_priorities(priorities, school_index, {a: i for i, a in enumerate(ids)})
    return Instance(codes, capacities, ids, lottery, choices, tables, school_index)


def write_result(path, instance: Instance, assignment: list[int]) -> None:
    """RESULT.csv, one row per applicant in input order; atomically (temporary file, then rename)."""
    target = Path(path)
    codes = [*instance.school_codes, ""]  # index -1 (unassigned) -> empty code
    fd, tmp = tempfile.mkstemp(prefix=".result-", suffix=".csv", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(RESULT_HEADER)
            writer.writerows(zip(instance.applicant_ids, map(codes.__getitem__, assignment), strict=True))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
