import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone
from tqdm import tqdm

from edubureau.core import democalendar
from edubureau.core.context import acting
from edubureau.demo import services

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "生成演示区县（闵行区，2020 年规模：约 402 个单位、16 万学生、4 万教职工）和各角色的演示账号。"
        "同一种子生成相同数据。演示数据是初始数据：不逐条写变更记录，只在审计日志中记一条说明。"
        " Build the demo district and demo logins; the same seed gives the same data. Seed data is not "
        "logged row by row in the change log: one record on the district notes the build."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020, help="随机种子 random seed (default 2020)")
        parser.add_argument(
            "--scale",
            choices=["full", "small"],
            default="full",
            help="full：全区规模；small：6 所学校约 300 名学生（测试用）",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="先清空现有学校、师生、校历数据、学校用户和演示账号，再生成（审计日志保留）。Wipe the registry first.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="已有数据时什么也不做（make run 用）；但若是此前某天生成、之后未被修改的演示数据，按今天重新生成。"
            " No-op when data exists, unless it is an untouched demo built on an earlier day: then rebuild it for today.",
        )

    def handle(self, *args, seed, scale, force, if_empty, verbosity, **options):
        wipe = services.registry_has_data()
        if wipe and if_empty:
            stale = services.stale_demo(timezone.localdate())
            if stale is None:
                return
            # A demo built on an earlier day and not changed since: build it again around today.
            (seed, scale), force = stale, True
            if verbosity:
                self.stdout.write(
                    f"演示数据生成于今天之前且未被修改，按今天重新生成（种子 {seed}，规模 {scale}）。"
                )
        if wipe and not force:
            raise CommandError("数据库中已有学校或学年数据。如要清空后重新生成演示数据，请加 --force。")

        started = time.monotonic()
        pupils, staff = services.planned_size(seed, scale)
        with tqdm(total=pupils + staff, unit="人", disable=verbosity == 0, desc="演示数据") as bar:

            def progress(step, n=0):
                bar.set_description(step)
                bar.update(n)

            try:
                # One transaction: a failed build leaves the old data in place.
                with transaction.atomic(), acting(None, source="cli"):
                    if wipe:
                        services.wipe_registry()
                    result = services.build_demo(seed=seed, scale=scale, progress=progress)
            except IntegrityError as err:
                raise CommandError(
                    f"无法清空现有数据：其他模块仍有记录引用学校或师生，请先删除这些记录。（{err}）"
                ) from err
            except democalendar.OutOfRange as err:
                raise CommandError(str(err)) from err
        if verbosity == 0:
            return
        seconds = time.monotonic() - started
        self.stdout.write(f"已生成演示区县（种子 {seed}，规模 {scale}，用时 {seconds:.1f} 秒）：")
        self.stdout.write("  " + "，".join(f"{label} {n:,}" for label, n in result.counts.items()))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {settings.DEMO_PASSWORD}）：")
        rows = [("用户名", "角色", "单位")] + [
            (x.username, x.role, x.unit + ("" if x.created else "（已存在，未改动）")) for x in result.logins
        ]
        widths = [max(_width(r[i]) for r in rows) for i in range(2)]
        for r in rows:
            self.stdout.write("  " + "  ".join(_pad(r[i], widths[i]) for i in range(2)) + "  " + r[2])
        self.stdout.write(f"\n访问地址：{URL}（make run 启动后）")


def _width(text):
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
