"""`edubureau school merge|close|move|rename`: the unit tree's history from the console."""

import argparse
import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from edubureau.core import context
from edubureau.org import services
from edubureau.org.models import School


def iso_date(text):
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无效，请按 YYYY-MM-DD 填写，如 2025-08-31。") from None


def find(code):
    code = code.strip()
    try:
        return School.objects.get(code=code)
    except School.DoesNotExist:
        raise CommandError(f"找不到学校标识码为 {code} 的学校，请核对学校标识码。") from None


class Command(BaseCommand):
    help = "学校沿革：合并、撤销、迁址、更名。School history: merge, close, move, rename."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{merge,close,move,rename}")

        merge = sub.add_parser("merge", help="把若干学校并入一所学校 / merge schools into one")
        merge.add_argument("codes", nargs="+", metavar="CODE", help="被合并学校的学校标识码")
        merge.add_argument("--into", required=True, metavar="CODE", help="合并后存续学校的学校标识码")
        merge.add_argument("--date", required=True, type=iso_date, help="合并日期 YYYY-MM-DD")
        merge.add_argument("--description", default="", help="说明，如文件号")

        close = sub.add_parser("close", help="撤销学校 / close a school")
        close.add_argument("code", metavar="CODE")
        close.add_argument("--date", required=True, type=iso_date, help="撤销日期 YYYY-MM-DD")
        close.add_argument("--successor", metavar="CODE", help="继承学校的学校标识码（可选）")
        close.add_argument("--description", default="")

        move = sub.add_parser("move", help="登记迁址 / move to a new address")
        move.add_argument("code", metavar="CODE")
        move.add_argument("--address", required=True, help="新地址")
        move.add_argument("--date", required=True, type=iso_date, help="迁址日期 YYYY-MM-DD")
        move.add_argument("--description", default="")

        rename = sub.add_parser("rename", help="登记更名 / rename")
        rename.add_argument("code", metavar="CODE")
        rename.add_argument("--name", required=True, help="新校名")
        rename.add_argument("--short-name", dest="short_name", help="新简称（可选）")
        rename.add_argument("--date", required=True, type=iso_date, help="更名日期 YYYY-MM-DD")
        rename.add_argument("--description", default="")

    def handle(self, *args, action, **options):
        with context.acting(None, source="cli"):
            try:
                message = getattr(self, action)(**options)
            except ValidationError as e:
                raise CommandError("；".join(e.messages)) from e
        self.stdout.write(self.style.SUCCESS(message))

    def merge(self, codes, into, date, description, **_):
        sources = [find(code) for code in codes]
        target = find(into)
        outcome = services.merge_schools(sources, target, date, description)
        names = "、".join(f"{s.name}（{s.code}）" for s in sources)
        return f"已将{names}并入{target.name}（{target.code}），日期 {date}。{outcome.leftover_message()}"

    def close(self, code, date, successor, description, **_):
        school = find(code)
        outcome = services.close_school(school, date, find(successor) if successor else None, description)
        return f"已撤销{school.name}（{school.code}），日期 {date}。{outcome.leftover_message()}"

    def move(self, code, address, date, description, **_):
        school = find(code)
        services.move_school(school, address, date, description)
        return f"已登记迁址：{school.name}（{school.code}）自 {date} 迁至{school.address}。"

    def rename(self, code, name, short_name, date, description, **_):
        school = find(code)
        old = school.name
        services.rename_school(school, name, date, short_name=short_name, description=description)
        return f"已登记更名：{old}（{school.code}）自 {date} 更名为{school.name}。"
