import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from edubureau.core import importing
from edubureau.core.models import ImportJob

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = (
        "批量导入 学校/班级/学生/教职工：先校验全部行，默认有任何错误则不写入。错误打印在屏幕上，"
        "--errors 另存带错误说明的原表。--purge 删除网页导入过期的上传文件和错误报告。"
        "Bulk import schools|classes|students|staff from .xlsx/.xls/.csv (all-or-nothing by default); "
        "errors are printed, --errors FILE also writes them as a workbook; "
        "--purge deletes expired import files."
    )

    def add_arguments(self, parser):
        kinds = [cls.kind for cls in importing.importers()]
        parser.add_argument("kind", nargs="?", choices=kinds, help="导入类型 / what to import")
        parser.add_argument("file", nargs="?", help=".xlsx、.xls 或 .csv 文件 / the file")
        parser.add_argument(
            "--errors", metavar="FILE.xlsx", help="把有错误的行连同错误说明写入此文件 / write the rows with errors here"
        )
        parser.add_argument(
            "--purge", action="store_true", help="只删除过期的导入文件 / only delete expired import files"
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入 / validate only")
        parser.add_argument("--school-year", type=int, help="学年起始年份，默认当前学年 / school year, e.g. 2025")
        parser.add_argument("--valid-only", action="store_true", help="只导入正确的行 / import the valid rows, skip the rest")
        parser.add_argument("--create-classes", action="store_true",
                            help="学生所在班级不存在时自动创建 / create missing classes (students)")  # fmt: skip

    def handle(self, *args, kind, file, dry_run, school_year, valid_only, create_classes, errors, purge,
               **options):  # fmt: skip
        deleted = importing.purge_expired_files()
        if purge:
            hours = settings.IMPORT_FILE_RETENTION_HOURS
            self.stdout.write(f"已删除 {deleted} 个超过 {hours} 小时的导入文件（上传件和错误报告）。")
            return
        if not kind or not file:
            raise CommandError("用法：edubureau import 类型 文件 [--dry-run] [--errors 错误.xlsx]；import --purge")
        path = Path(file).resolve()
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        report = Path(errors).resolve() if errors else None
        if report is not None and (report.suffix.lower() != ".xlsx" or report == path):
            raise CommandError(f"--errors 应为另一个 .xlsx 文件：{errors}")
        job = ImportJob.objects.create(
            kind=kind, user=None, filename=path.name, path=str(path), dry_run=dry_run, valid_only=valid_only,
            options={"school_year": school_year, "create_classes": create_classes},
        )  # fmt: skip
        result = self.run(job, report)
        if result is None:
            raise CommandError(job.message)
        for note in result.notes:
            self.stdout.write(note)
        for warning in result.warnings[:SHOWN_ERRORS]:
            self.stdout.write(f"提示：{warning}")
        # Without --errors the console is the only report: every error. With it, the first ones.
        shown = result.errors[:SHOWN_ERRORS] if report else result.errors
        for error in shown:
            self.stdout.write(self.style.ERROR(str(error)))
        if len(result.errors) > len(shown):
            self.stdout.write(f"……共 {len(result.errors)} 处错误，完整列表见错误报告。")
        if dry_run:
            self.stdout.write(f"校验完成，未写入：{result.summary()}")
        elif result.error_rows and not valid_only:
            self.stdout.write(f"有错误，未写入任何数据。校验结果：{result.summary()}")
        else:
            self.stdout.write(f"导入完成：{result.summary()}")
        if result.error_rows and report:
            self.stdout.write(f"错误报告：{result.error_report}")
            raise CommandError(f"有 {result.error_rows} 行错误。错误报告：{result.error_report}", returncode=1)
        if result.error_rows:
            raise CommandError(
                f"有 {result.error_rows} 行错误（见上）。加 --errors 错误.xlsx 可另存带错误说明的原表。", returncode=1
            )

    def run(self, job, report):
        scope = importing.operator_scope()
        try:
            from tqdm import tqdm
        except ImportError:  # pragma: no cover - tqdm is a dependency; a bar is a nicety
            return importing.execute(job, scope, source="cli", report_path=report)
        with tqdm(total=100, file=sys.stderr, unit="%", bar_format="{l_bar}{bar}| {elapsed}", disable=None) as bar:

            def echo(fraction, message):
                bar.set_description_str(message)
                bar.update(int(fraction * 100) - bar.n)

            return importing.execute(job, scope, source="cli", echo=echo, report_path=report)
