"""The bulk-import pipeline: the one way schools, classes, students and staff come in from files.

    file → spreadsheets.read_table → map headers → parse every column → importer.validate(table)
         → plan (new / updated / unchanged / errors) → write in one transaction, with change records

Domain-free. An importer (``org/importers.py``, ``people/importers.py``) declares its columns and
does the set-wise checks (references resolved with one query per referenced model); this module
reads the file, collects every row's errors before anything is written, decides what changes and
writes it with bulk statements (COPY on PostgreSQL), one ChangeRecord per created or updated object.

Modes: dry run (write nothing), all-or-nothing (the default: any error writes nothing) and
valid_only (write the valid rows, report the others). Importing the same file twice changes
nothing the second time: rows are matched by natural key and only differing rows are updated.
"""

from __future__ import annotations

import abc
import contextlib
import datetime
import decimal
import json
import logging
import os
import re
import socket
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice, repeat, zip_longest
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules

from . import caching, context, spreadsheets
from .models import ChangeAction, ChangeRecord, ImportJob
from .scope import ADD, CHANGE, DELETE, EXPORT, IMPORT, VIEW, Scope

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
ERRORS_KEPT = 500  # errors stored on the ImportJob (all of them go to the error workbook)
IN_LIMIT = 5000  # more keys than this: one pass over the table instead of a giant IN (...)
# Sent with `job` when an ImportJob ends (checked, done or failed); the messages app tells its user.
import_finished = Signal()


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, wrong headers, no school year ...)."""


class Invalid(ValueError):
    """A cell value is wrong; str(err) says what to fix, in Chinese."""


# --------------------------------------------------------------------------- columns and parsers


@dataclass(frozen=True)
class Column:
    """One column of an import template."""

    header: str  # the Chinese header, exactly as in the template (without the "*" marker)
    field: str  # the key in the parsed table: a model attname or a name the importer resolves
    required: bool = False
    parse: Callable[[str], object] | None = None  # text -> value; raises ValueError with a Chinese message
    default: object = ""  # the value of an empty cell
    help: str = ""  # one line for the 填写说明 sheet
    choices: tuple = ()  # listed on the 可选值 sheet


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def text(max_length: int):
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise Invalid(f"不能超过 {max_length} 个字（现有 {len(value)} 个）")
        return value

    return parse


def integer(lo: int, hi: int):
    def parse(value: str) -> int:
        digits = _nfkc(value)
        if not (digits.isascii() and digits.isdigit()) or not lo <= int(digits) <= hi:
            raise Invalid(f"应为 {lo}–{hi} 的整数")
        return int(digits)

    return parse


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2})")


def date_value(value: str) -> datetime.date:
    """2015-09-01, 2015/9/1, 2015.9.1, 2015年9月1日 or 20150901."""
    m = _DATE.fullmatch(_nfkc(value))
    if not m:
        raise Invalid("日期格式应为 YYYY-MM-DD（如 2015-09-01）")
    y, mo, d = (int(g) for g in (m.groups()[:3] if m[1] else m.groups()[3:]))
    try:
        return datetime.date(y, mo, d)
    except ValueError:
        raise Invalid(f"日期 {y}-{mo:02d}-{d:02d} 不存在") from None


def choice(values: Iterable[str], aliases: dict[str, str] | None = None, what: str = ""):
    """One of `values` (or an alias of one); the message lists the values when they are few."""
    values = tuple(values)
    lookup = {v: v for v in values} | (aliases or {})

    def parse(value: str) -> str:
        found = lookup.get(value) or lookup.get(_nfkc(value))
        if found is None:
            allowed = "、".join(values) if len(values) <= 12 else f"见模板“可选值”表中的{what}"
            raise Invalid(f"“{value}”不是有效值，应为：{allowed}")
        return found

    return parse


_YES = {"是": True, "否": False, "Y": True, "N": False, "YES": True, "NO": False, "TRUE": True, "FALSE": False,
        "1": True, "0": False}  # fmt: skip


def yes_no(value: str) -> bool:
    found = _YES.get(_nfkc(value).upper())
    if found is None:
        raise Invalid(f"“{value}”不是有效值，应为：是、否")
    return found


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PHONE = re.compile(r"\+?[\d\- ()]{5,20}")


def phone(value: str) -> str:
    if _MOBILE.fullmatch(value):
        return value
    number = _nfkc(value)
    if not _PHONE.fullmatch(number) or len(re.sub(r"\D", "", number)) < 7:
        raise Invalid("电话号码格式不正确（手机号 11 位，固定电话如 021-64123456）")
    return number


def code(validator: Callable[[str], str]):
    """A code checked by a core.idcodes validator (whose CodeError messages are Chinese)."""

    def parse(value: str) -> str:
        return validator(value)

    return parse


def clean_header(header: str) -> str:
    """Header text without surrounding spaces (also full-width ones) and the "*" required marker."""
    return str(header).strip().strip("*＊").strip()


def template_header(column: Column) -> str:
    return f"*{column.header}" if column.required else column.header


# --------------------------------------------------------------------------- the parsed table


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the spreadsheet
    header: str  # the column's header, "" for a row-level problem
    value: str
    message: str

    def __str__(self):
        return f"第 {self.row} 行，{self.header}：{self.message}" if self.header else f"第 {self.row} 行：{self.message}"

    def as_list(self):
        return [self.row, self.header, self.value, self.message]


class Rows:
    """The uploaded rows, column by column: parsed values by field, and every error found so far.

    `table[field]` is the list of values of that field (None where the cell was invalid);
    importers add resolved columns (`table["school_id"] = [...]`) and call `table.error(...)`.
    """

    def __init__(self, sheet: spreadsheets.Table, mapping: dict[str, int], columns: Iterable[Column]):
        self.sheet = sheet
        self.n = len(sheet.rows)
        self.row_numbers = sheet.row_numbers
        self.mapping = mapping
        self.columns = {c.field: c for c in columns}
        self.values: dict[str, list] = {}
        self.errors: dict[int, list[RowError]] = {}
        self.warnings: list[RowError] = []
        self._raw: dict[str, list[str]] = {}

    def present(self, field: str) -> bool:
        """Whether the file has this column (absent columns never overwrite existing data)."""
        return field in self.mapping

    def raw(self, field: str) -> list[str]:
        if field not in self._raw:
            i = self.mapping.get(field)
            self._raw[field] = [r[i] for r in self.sheet.rows] if i is not None else [""] * self.n
        return self._raw[field]

    def __getitem__(self, field: str) -> list:
        return self.values[field]

    def __setitem__(self, field: str, values: list) -> None:
        self.values[field] = values

    def _entry(self, i: int, field: str | None, message: str, value=None) -> RowError:
        column = self.columns.get(field) if field else None
        if value is None:
            value = self.raw(field)[i] if column else ""
        return RowError(self.row_numbers[i], column.header if column else (field or ""), str(value), message)

    def error(self, i: int, field: str | None, message: str, value=None) -> None:
        self.errors.setdefault(i, []).append(self._entry(i, field, message, value))

    def warn(self, i: int, field: str | None, message: str, value=None) -> None:
        self.warnings.append(self._entry(i, field, message, value))

    def ok(self, i: int) -> bool:
        return i not in self.errors

    def has_error(self, i: int, field: str) -> bool:
        errors = self.errors.get(i)
        if not errors:
            return False
        header = self.columns[field].header if field in self.columns else field
        return any(e.header == header for e in errors)

    def valid(self) -> list[int]:
        errors = self.errors
        return [i for i in range(self.n) if i not in errors]

    def all_errors(self) -> list[RowError]:
        return [e for i in sorted(self.errors) for e in self.errors[i]]

    def parse_columns(self) -> None:
        """Parse every declared column. Each distinct value is parsed once (school codes, grades,
        dates and choices repeat a lot); an invalid or missing required cell becomes None."""
        for column in self.columns.values():
            if not self.present(column.field):
                self.values[column.field] = [column.default] * self.n
                continue
            raw, parse = self.raw(column.field), column.parse
            distinct = set(raw)
            empty = "" in distinct
            distinct.discard("")
            parsed, bad = ({}, {}) if parse else (dict(zip(distinct, distinct, strict=True)), {})
            for value in distinct if parse else ():
                try:
                    parsed[value] = parse(value)
                except ValueError as e:
                    parsed[value], bad[value] = None, str(e)
            parsed[""] = None if column.required else column.default
            self.values[column.field] = list(map(parsed.__getitem__, raw))
            if bad or (column.required and empty):
                for i, value in enumerate(raw):
                    if not value:
                        if column.required:
                            self.error(i, column.field, "必填，不能为空")
                    elif value in bad:
                        self.error(i, column.field, bad[value])

    def check_unique(self, keys: list, field: str, what: str = "") -> None:
        """Rows whose key repeats within the file: every one of them is an error. Empty keys (None,
        "", or a tuple with an empty part) are not compared."""
        repeated = {k for k, n in Counter(keys).items() if n > 1 and not _blank(k)}
        if not repeated:
            return
        rows: dict = {}
        for i, key in enumerate(keys):
            if key in repeated:
                rows.setdefault(key, []).append(i)
        for same in rows.values():
            for i in same:
                others = "、".join(str(self.row_numbers[j]) for j in same if j != i)
                self.error(i, field, f"{what}与第 {others} 行重复")


def _blank(key) -> bool:
    return key is None or key == "" or (type(key) is tuple and (None in key or "" in key))


def map_headers(headers: list[str], columns: Iterable[Column], label: str) -> tuple[dict[str, int], list[str]]:
    """field -> column index; and the headers that were not recognised. Missing required columns or
    an unrecognisable header row raise ImportFailed naming the columns."""
    columns = list(columns)
    by_header = {c.header: c for c in columns}
    mapping: dict[str, int] = {}
    unknown = []
    for i, header in enumerate(headers):
        name = clean_header(header)
        if not name:
            continue
        column = by_header.get(name)
        if column is None:
            unknown.append(name)
        elif column.field in mapping:
            first = spreadsheets.column_letter(mapping[column.field])
            raise ImportFailed(f"表头“{name}”出现了两次（{first} 列和 {spreadsheets.column_letter(i)} 列），请删除多余的一列后重新上传。")
        else:
            mapping[column.field] = i
    required = [c.header for c in columns if c.required]
    if not mapping:
        raise ImportFailed(
            f"无法识别表头：表格第一行应为{label}导入模板的列名（{'、'.join(c.header for c in columns)}）。"
            f"请下载{label}导入模板，按模板填写后重新上传。"
        )
    mapped = {c.header for c in columns if c.field in mapping}
    missing = [h for h in required if h not in mapped]
    if missing:
        extra = f"（文件中有无法识别的列：{'、'.join(unknown)}）" if unknown else ""
        raise ImportFailed(f"缺少必填列：{'、'.join(missing)}{extra}。请按{label}导入模板填写，表头须与模板一致。")
    return mapping, unknown


# --------------------------------------------------------------------------- importers


@dataclass
class Plan:
    fields: list[str]  # what the rows set: model attnames, and "related__attname" for the importer's own use
    new: list[tuple[int, tuple]] = field(default_factory=list)  # (row index, values)
    changed: list[tuple[int, int, tuple, dict, dict]] = field(default_factory=list)  # (index, pk, values, before, after)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)  # e.g. "将新建 3 个班级"


class Importer(abc.ABC):
    """Base class: subclasses set the attributes and implement validate() and export_rows().

    validate(table) must, for every row without errors, leave
      self.keys[i]     the row's natural key,
      table[f]         a value for every f in self.fields (model attnames, or "guardian__name"-style
                       fields that write_related() handles),
    and fill self.existing: natural key -> (pk, tuple of current values in self.fields order).
    """

    kind = ""  # "students"
    label = ""  # "学生"
    module = ""  # the scope module whose IMPORT right is needed
    model: type[models.Model]
    columns: tuple[Column, ...] = ()
    notes: tuple[str, ...] = ()  # extra lines for the 填写说明 sheet
    order = 0
    flags: tuple[tuple[str, str], ...] = ()  # boolean options the upload form offers: (name, label)
    do_not_call_in_templates = True  # pages show the class's label and kind

    def __init__(self, scope: Scope, options: dict | None = None):
        self.scope = scope
        self.options = options or {}
        self.keys: list = []
        self.fields: list[str] = []
        self.existing: dict = {}
        self.constants: dict = {}  # attname -> value for new objects the file does not give
        self.progress: Progress = _no_progress

    # -- what subclasses provide

    @classmethod
    def school_years(cls) -> list[tuple[int, str]] | None:
        """(start year, label) choices when the rows belong to a school year (newest first), else None."""
        return None

    @classmethod
    def current_school_year(cls) -> int | None:
        return None

    @abc.abstractmethod
    def validate(self, table: Rows) -> None:
        """Clean every row of `table` column-wise, recording errors on it."""

    def describe(self, values: dict) -> str:
        """The object_repr of a change record for an object with these values."""
        return str(values.get("name", ""))[:200]

    def write_related(self, plan: Plan, new_ids: list[int]) -> None:
        """Write what the "related__field" values ask for (guardians, enrollments ...)."""
        return  # most importers have nothing related to write

    @abc.abstractmethod
    def export_rows(self, school_code: str | None = None) -> Iterable[list]:
        """The stored objects as rows of the template, for `edubureau export`."""

    @classmethod
    def choice_rows(cls) -> tuple[list[str], list[list[str]]]:
        """The 可选值 sheet: one column per column with choices."""
        columns = [c for c in cls.columns if c.choices]
        return [c.header for c in columns], [list(r) for r in zip_longest(*(c.choices for c in columns), fillvalue="")]

    @classmethod
    def instructions(cls) -> list[str]:
        lines = [
            f"{cls.label}导入模板 填写说明",
            "",
            "1. 请在第一个工作表中填写，第一行是表头，不要修改、删除或调换表头；带 * 的列必须填写。",
            "2. 每行一条记录；不要合并单元格，不要使用公式（请“选择性粘贴为数值”）。",
            "3. 证件号码、学籍号、电话等请设为“文本”格式，以免 Excel 把长数字改成科学计数法。",
            "4. 日期写作 YYYY-MM-DD，如 2015-09-01。",
            "5. 已有记录按唯一标识更新：文件中的值与系统不同的才会更新；空着的列不会清除系统中的唯一标识。",
            "6. 导入前系统会先校验，列出每一处错误（行号、列名、错误原因），全部改正后再导入；"
            "也可以选择只导入正确的行。",
            "",
            "各列说明：",
        ]
        for c in cls.columns:
            lines.append(f"{template_header(c)}：{'必填' if c.required else '选填'}。{c.help}".rstrip())
        return lines + (["", *cls.notes] if cls.notes else [])

    @classmethod
    def header_hints(cls) -> tuple[str, ...]:
        return tuple(h for c in cls.columns for h in (c.header, f"*{c.header}", f"{c.header}*"))

    # -- the generic plan and write

    def plan(self, table: Rows) -> Plan:
        """Compare every valid row with the existing object of its key: new, changed or unchanged."""
        plan = Plan(list(self.fields))
        rows = list(zip(*(table[f] for f in plan.fields), strict=True))
        existing, keys = self.existing, self.keys
        for i in table.valid() if table.errors else range(table.n):
            row = rows[i]
            match = existing.get(keys[i])
            if match is None:
                plan.new.append((i, row))
            elif match[1] == row:
                plan.unchanged += 1
            else:
                before, after = {}, {}
                for name, old, new in zip(plan.fields, match[1], row, strict=True):
                    if old != new:
                        before[name], after[name] = plain(old), plain(new)
                plan.changed.append((i, match[0], row, before, after))
        return plan

    def defaults(self, names: list[str]) -> dict:
        """Values of the model fields the rows do not set, for new objects."""
        model = self.model
        return {
            f.attname: (timezone.now() if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default())
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in names and f.attname not in self.constants
        } | self.constants

    def write(self, plan: Plan) -> list[int]:
        """Insert the new rows, update the changed ones, log both; returns the new objects' ids."""
        model, fields = self.model, plan.fields
        names = [f for f in fields if "__" not in f]
        at = [fields.index(f) for f in names]
        defaults = self.defaults(names)
        self.progress(0.72, f"正在写入新增的{self.label}")
        ids = allocate_ids(model, len(plan.new))
        n = len(ids)
        # Column by column (the hot path of a 163k-row import): values as the change log shows them,
        # dates as ISO text, which both databases accept on insert; each default prepared once.
        columns = [plain_column(c) for c in zip(*map(itemgetter(1), plan.new), strict=True)]
        prepared = [model._meta.get_field(k).get_db_prep_save(v, connection) for k, v in defaults.items()]
        if n:
            insert_rows(model, ["id", *names, *defaults],
                        zip(ids, *(columns[p] for p in at), *(repeat(v, n) for v in prepared), strict=False), convert=False)  # fmt: skip
        if plan.changed:
            self.progress(0.8, f"正在更新{self.label}")
            update_rows(model, names, [(*[row[p] for p in at], pk) for _, pk, row, _, _ in plan.changed])
        self.write_related(plan, ids)
        self.progress(0.88, "正在写入变更记录")
        keys = [*fields, *defaults]
        values = zip(*columns, *(repeat(plain(v), n) for v in defaults.values()), strict=False)
        describe = self.describe
        log_rows(model, ChangeAction.CREATE, (
            (pk, describe(after), None, after) for pk, after in zip(ids, (dict(zip(keys, v, strict=True)) for v in values), strict=False)
        ))  # fmt: skip
        log_rows(model, ChangeAction.UPDATE, [
            (pk, describe(dict(zip(fields, row, strict=True))), before, after) for _, pk, row, before, after in plan.changed
        ])  # fmt: skip
        return ids


def _no_progress(fraction: float, message: str) -> None:
    pass


_REGISTRY: dict[str, type[Importer]] = {}
_discovered = False


def register(cls: type[Importer]) -> type[Importer]:
    _REGISTRY[cls.kind] = cls
    return cls


def importers() -> list[type[Importer]]:
    """Every registered importer, in template order (schools, classes, students, staff)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("importers")  # each app's importers.py registers itself
        _discovered = True
    return sorted(_REGISTRY.values(), key=lambda cls: cls.order)


def get_importer(kind: str) -> type[Importer]:
    for cls in importers():
        if cls.kind == kind:
            return cls
    raise KeyError(kind)


def operator_scope() -> Scope:
    """The CLI operator: every unit, every action, unmasked."""
    actions = frozenset((VIEW, ADD, CHANGE, DELETE, IMPORT, EXPORT))
    return Scope(all_units=True, grants=tuple((cls.module, actions) for cls in importers()), can_unmask=True)


# --------------------------------------------------------------------------- database helpers


def plain(value):
    """A value as JSON-ready data for a change record (as core.changelog.snapshot does)."""
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def plain_column(column) -> list:
    """A column of values as plain(); columns of str/int/bool (most of them) are returned as they are."""
    first = next((v for v in column if v is not None), None)
    if first is None or type(first) in (str, int, bool, float):
        return column
    return [plain(v) for v in column]


def lookup(queryset, columns: list[str], **conditions: Iterable) -> list[tuple]:
    """values_list(*columns) of the rows where any `field=values` condition holds, in ONE query:
    an IN (...) list for a few keys; for many keys one pass over the table, which beats a statement
    with tens of thousands of parameters (and SQLite's parameter limit). Condition fields must be
    among the columns."""
    conditions = {f: set(v) - {None, ""} for f, v in conditions.items()}
    conditions = {f: v for f, v in conditions.items() if v}
    if not conditions:
        return []
    if sum(map(len, conditions.values())) <= IN_LIMIT:
        where = Q()
        for f, values in conditions.items():
            where |= Q(**{f"{f}__in": values})
        return list(queryset.filter(where).values_list(*columns).order_by())
    tests = [(columns.index(f), values) for f, values in conditions.items()]
    return [
        row for row in queryset.values_list(*columns).order_by().iterator(chunk_size=5000)
        if any(row[p] in values for p, values in tests)
    ]  # fmt: skip


def allocate_ids(model, n: int) -> list[int]:
    """n primary keys for new rows, so that related rows and change records can point at them
    without reading the ids back. Call inside the writing transaction."""
    if n == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
            return [r[0] for r in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (transaction_mode IMMEDIATE), so max + 1 is ours.
        # AUTOINCREMENT never reuses the id of a deleted row, so start above sqlite_sequence too.
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}")
        top = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            try:
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                top = max(top, row[0] if row else 0)
            except DatabaseError:  # no AUTOINCREMENT table has been written yet
                pass
    return list(range(top + 1, top + 1 + n))


def _converters(model, names: list[str]) -> list:
    """Per column, a function turning a Python value into what the driver takes (None: as is)."""
    out = []
    for name in names:
        f = model._meta.get_field(name) if name != "id" else model._meta.pk
        kind = f.get_internal_type()
        if kind == "JSONField":
            out.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
        elif kind == "DateField" and connection.vendor != "postgresql":
            out.append(lambda v, ops=connection.ops: ops.adapt_datefield_value(v))
        elif kind in ("DateTimeField", "UUIDField", "TimeField", "DecimalField"):
            out.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            out.append(None)
    return out


def _prepared(model, names, rows: Iterable) -> Iterable:
    active = [(j, c) for j, c in enumerate(_converters(model, names)) if c]
    if not active:
        return rows
    return (_convert(row, active) for row in rows)


def _convert(row, active):
    row = list(row)
    for j, convert in active:
        row[j] = convert(row[j])
    return row


def insert_rows(model, names: list[str], rows: Iterable[tuple], *, convert: bool = True) -> None:
    """INSERT rows (tuples in `names` order, attnames) without model instances: COPY on PostgreSQL,
    executemany elsewhere; a few seconds for 163k rows instead of bulk_create's ten. `rows` may be a
    generator: it is streamed (with COPY the server works while the next rows are being built)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(model._meta.pk.column if n == "id" else model._meta.get_field(n).column) for n in names]
    rows = _prepared(model, names, rows) if convert else rows
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        with connection.cursor() as cursor:
            # In chunks: Django's SQLite executemany tee()s its argument, which would keep every row.
            rows = iter(rows)
            while chunk := list(islice(rows, 20000)):
                cursor.executemany(sql, chunk)
    caching.written(model)  # the rows sent no signals: renew what server processes remember of the model


def update_rows(model, names: list[str], rows: list[tuple]) -> None:
    """UPDATE rows given as (*values in `names` order, pk): one executemany."""
    if not names:
        return
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(model._meta.get_field(n).column)} = %s" for n in names)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, _prepared(model, [*names, "id"], rows))
    caching.written(model)


_LOG_FIELDS = ["time", "user_id", "user_name", "request_id", "remote_addr", "source", "content_type_id", "action",
               "object_id", "object_repr", "before", "after"]  # fmt: skip


def log_rows(model, action: str, items: Iterable[tuple[int, str, dict | None, dict | None]]) -> None:
    """One ChangeRecord per (pk, repr, before, after), with the acting user and request id of
    core.context — what changelog.record() builds, written as plain rows (163k instances of
    ChangeRecord would cost more than the import itself)."""
    ctx = context.current()
    user = ctx.user if getattr(ctx.user, "pk", None) else None
    # the same user_name rule as changelog.record
    user_name = user.get_username() if user else ("控制台" if ctx.source == "cli" else "系统")
    prep = ChangeRecord._meta.get_field
    head = (prep("time").get_db_prep_save(timezone.now(), connection), user.pk if user else None, user_name,
            prep("request_id").get_db_prep_save(ctx.request_id, connection), ctx.remote_addr, ctx.source,
            ContentType.objects.get_for_model(model).pk, action)  # fmt: skip
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    rows = (
        (*head, str(pk), rep[:200], None if before is None else dumps(before), None if after is None else dumps(after))
        for pk, rep, before, after in items
    )  # fmt: skip
    insert_rows(ChangeRecord, _LOG_FIELDS, rows, convert=False)


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    error_report: str = ""

    def summary(self) -> str:
        return f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，错误 {self.error_rows}"


def run(importer: Importer, source, filename: str, *, dry_run: bool = True, valid_only: bool = False,
        report_path: str | Path | None = None, progress: Progress | None = None) -> Result:
    """Read, validate, plan and (unless dry_run, or errors in all-or-nothing mode) write one file.
    File-level problems raise ImportFailed; row errors are in the Result (and the error workbook)."""
    progress = progress or _no_progress
    importer.progress = progress
    progress(0.0, "正在读取文件")
    try:
        sheet = spreadsheets.read_table(
            source, filename, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_BYTES, header_row_hint=importer.header_hints(),
        )  # fmt: skip
    except spreadsheets.SheetError as e:
        raise ImportFailed(str(e)) from None
    mapping, unknown = map_headers(sheet.headers, importer.columns, importer.label)
    table = Rows(sheet, mapping, importer.columns)
    progress(0.25, f"正在校验 {table.n} 行")
    table.parse_columns()
    importer.keys = [None] * table.n
    progress(0.4, "正在核对学校、班级等引用和已有数据")
    importer.validate(table)
    progress(0.65, "正在比对已有数据")
    plan = importer.plan(table)
    result = Result(
        total=table.n, created=len(plan.new), updated=len(plan.changed), unchanged=plan.unchanged,
        error_rows=len(table.errors), errors=table.all_errors(), warnings=table.warnings, notes=list(plan.notes),
    )  # fmt: skip
    if unknown:
        result.notes.append(f"已忽略无法识别的列：{'、'.join(unknown)}")
    if not dry_run and (valid_only or not table.errors) and (plan.new or plan.changed):
        progress(0.7, "正在写入")
        try:
            with transaction.atomic(), _big_page_cache():
                importer.write(plan)
        except IntegrityError as e:
            log.warning("import of %s failed on write: %s", filename, e)
            raise ImportFailed("写入时与数据库中已有数据冲突（可能有人同时修改了这些数据），没有写入任何数据，请重新导入。") from None
        result.written = True
    if table.errors and report_path:
        progress(0.95, "正在生成错误报告")
        by_row: dict[int, list[str]] = {}
        for e in result.errors:
            by_row.setdefault(e.row, []).append(f"{e.header}：{e.message}" if e.header else e.message)
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        spreadsheets.write_error_workbook(str(report_path), sheet.headers, sheet.rows, sheet.row_numbers, by_row)
        result.error_report = str(report_path)
    progress(1.0, "完成")
    return result


@contextlib.contextmanager
def _big_page_cache():
    """SQLite's default 2 MB page cache makes index updates of a big insert thrash; 256 MB while writing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def write_template(importer: Importer | type[Importer], out, rows: Iterable[list] = ()) -> None:
    """The import template (and, with rows, the export): the data sheet, 可选值 and 填写说明.
    The workbook is Chinese whatever the UI language: it is the form files are imported in."""
    with translation.override(settings.LANGUAGE_CODE):
        headers, choice_rows = importer.choice_rows()
        sheets = [(str(importer.label), [template_header(c) for c in importer.columns], rows)]
        if headers:
            sheets.append(("可选值", headers, choice_rows))
        spreadsheets.write_rows_xlsx(out, sheets, notes=[("填写说明", importer.instructions())], text_cells=True)


# --------------------------------------------------------------------------- jobs


def imports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def error_report_path(job: ImportJob) -> Path:
    return imports_dir() / f"{job.pk}-errors.xlsx"


def stored(path: str | Path) -> bool:
    """Whether a job's file is one the application keeps (under var/imports/), not an operator's own file."""
    return bool(path) and Path(path).resolve().parent == imports_dir().resolve()


def expired(job: ImportJob) -> bool:
    return "files_expired" in job.options


def purge_expired_files(now: datetime.datetime | None = None) -> int:
    """Delete the uploads and error reports (unmasked personal data) of import jobs older than
    settings.IMPORT_FILE_RETENTION_HOURS, mark those jobs expired and blank the row values kept with
    their errors, and delete any other file under var/imports/ left that long (a crash, an old CLI run).
    Files of jobs still running or younger than the limit stay; files outside var/imports/ (what an
    operator imported or asked errors to be written to) are never touched. Returns the files deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.IMPORT_FILE_RETENTION_HOURS)
    active = (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)
    current = ImportJob.objects.filter(Q(created__gte=cutoff) | Q(status__in=active))
    current = current.only("path", "error_report")
    in_use = {str(Path(p).resolve()) for job in current for p in (job.path, job.error_report) if p}
    deleted = 0
    old = ImportJob.objects.filter(created__lt=cutoff).exclude(status__in=active)
    for job in old.exclude(options__has_key="files_expired").order_by("pk"):
        for path in (job.path, job.error_report):
            if stored(path) and str(Path(path).resolve()) not in in_use and Path(path).is_file():
                Path(path).unlink(missing_ok=True)
                deleted += 1
        job.errors = [[row, column, "", message] for row, column, _value, message in job.errors]
        warnings = [[row, column, "", note] for row, column, _value, note in job.options.get("warnings", [])]
        job.options = {**job.options, "warnings": warnings, "files_expired": now.isoformat()}
        job.save(update_fields=["errors", "options"])
    for path in imports_dir().iterdir():
        if path.is_file() and str(path.resolve()) not in in_use and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


class _JobProgress:
    """Writes progress to the job row, at most twice a second (the page polls once a second)."""

    def __init__(self, job: ImportJob, echo: Progress | None = None):
        self.job, self.echo, self.last = job, echo, 0.0

    def __call__(self, fraction: float, message: str) -> None:
        if self.echo:
            self.echo(fraction, message)
        if connection.in_atomic_block:
            return  # inside the writing transaction an update would only show after the commit
        now = time.monotonic()
        if now - self.last >= 0.5 or fraction >= 1.0:
            self.last = now
            ImportJob.objects.filter(pk=self.job.pk).update(progress=int(fraction * 100), message=message)


_running: set[int] = set()  # jobs being executed by this process


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def orphaned(job: ImportJob) -> bool:
    """A job still pending or running whose process is gone (a restart, a crash): it never finishes."""
    if not job.is_active:
        return False
    host, _, pid = job.options.get("owner", "").rpartition(":")
    if not pid:  # created but never started
        return job.created < timezone.now() - datetime.timedelta(minutes=2)
    if host != socket.gethostname():
        return False  # another machine's worker; it cannot be checked from here
    if int(pid) == os.getpid():
        return job.pk not in _running
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return False


def fail_if_orphaned(job: ImportJob) -> None:
    if orphaned(job):
        job.status, job.finished = ImportJob.Status.FAILED, timezone.now()
        job.message = "导入已中断（服务重启或出错），没有写入任何数据，请重新导入。"
        job.save(update_fields=["status", "finished", "message"])


STORED = "stored"  # execute(report_path=STORED): the error workbook is kept under var/imports/ (and expires)


def execute(job: ImportJob, scope: Scope, *, source: str = "import", echo: Progress | None = None,
            report_path: str | Path | None = STORED) -> Result | None:  # fmt: skip
    """Run one ImportJob as its user (scope), recording the outcome on the job. Returns the Result,
    or None when the file failed as a whole (job.message says why). The rows with errors are written
    as a workbook to report_path: var/imports/ by default, nowhere when None."""
    if report_path == STORED:
        report_path = error_report_path(job)
    _running.add(job.pk)
    try:
        return _execute(job, scope, source, echo, report_path)
    finally:
        _running.discard(job.pk)


def _execute(job, scope, source, echo, report_path):
    job.options = {**job.options, "owner": _owner()}
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, progress=0, message="开始", options=job.options)
    result = None
    try:
        cls = get_importer(job.kind)
        if not scope.allows(cls.module, IMPORT):
            raise ImportFailed(f"您没有导入{cls.label}的权限。")
        importer = cls(scope, job.options)
        with context.acting(job.user, source=source) as ctx:
            job.options["request_id"] = str(ctx.request_id)  # the change records of this import
            result = run(importer, job.path, job.filename, dry_run=job.dry_run, valid_only=job.valid_only,
                         report_path=report_path, progress=_JobProgress(job, echo))  # fmt: skip
    except ImportFailed as e:
        job.status, job.message = ImportJob.Status.FAILED, str(e)
    except Exception:
        log.exception("import job %s crashed", job.pk)
        job.status, job.message = ImportJob.Status.FAILED, "导入时发生内部错误，没有写入任何数据。请联系系统管理员。"
    if result is not None:
        job.total_rows, job.error_count = result.total, result.error_rows
        job.created_count, job.updated_count, job.unchanged_count = result.created, result.updated, result.unchanged
        job.errors = [e.as_list() for e in result.errors[:ERRORS_KEPT]]
        # Only a report the application keeps (and expires); the job never points to an operator's file.
        job.error_report = result.error_report if stored(result.error_report) else ""
        job.options = {**job.options, "warnings": [e.as_list() for e in result.warnings[:ERRORS_KEPT]], "notes": result.notes}
        job.message = result.summary()
        if job.dry_run:
            job.status = ImportJob.Status.CHECKED
        elif result.error_rows and not job.valid_only:
            job.status = ImportJob.Status.FAILED
            job.message = f"发现 {result.error_rows} 行有错误，没有写入任何数据。请改正后重新上传，或选择只导入有效行。"
        else:
            job.status = ImportJob.Status.DONE
    job.progress, job.finished = 100, timezone.now()
    job.save()
    import_finished.send_robust(ImportJob, job=job)
    return result
