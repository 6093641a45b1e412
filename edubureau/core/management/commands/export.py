from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edubureau.core import importing
from edubureau.core.models import AccessRecord


class Command(BaseCommand):
    help = (
        "按导入模板格式导出（不脱敏，运维人员使用），导出的文件可直接再导入。"
        "Export in the import template format, unmasked: export students|staff|classes|schools --out FILE.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[cls.kind for cls in importing.importers()], help="导出类型 / what to export")
        parser.add_argument("--out", required=True, help="输出 .xlsx 文件 / output file")
        parser.add_argument("--school", help="只导出该学校标识码的数据 / one school's code")
        parser.add_argument("--school-year", type=int, help="学年起始年份，默认当前学年 / school year, e.g. 2025")

    def handle(self, *args, kind, out, school, school_year, **options):
        cls = importing.get_importer(kind)
        try:
            importer = cls(importing.operator_scope(), {"school_year": school_year})
        except importing.ImportFailed as e:
            raise CommandError(str(e)) from e
        if school:
            from django.apps import apps

            if not apps.get_model("org", "School").objects.filter(code=school).exists():
                raise CommandError(f"学校标识码 {school} 不存在")
        count = 0

        def counted(rows):
            nonlocal count
            for row in rows:
                count += 1
                yield row

        path = Path(out)
        importing.write_template(importer, str(path), counted(importer.export_rows(school)))
        AccessRecord.objects.create(
            user=None, user_name="控制台", kind=AccessRecord.Kind.EXPORT, rows=count, unmasked=True,
            what=f"命令行导出{cls.label}" + (f"：{school}" if school else ""),
        )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 条{cls.label}：{path}"))
