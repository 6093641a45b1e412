from django.core.management.base import BaseCommand

from edubureau.core import importing


class Command(BaseCommand):
    help = "生成空白导入模板（含填写说明、可选值）。Write an empty import template: template students --out FILE.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[cls.kind for cls in importing.importers()], help="模板类型 / which template")
        parser.add_argument("--out", required=True, help="输出 .xlsx 文件 / output file")

    def handle(self, *args, kind, out, **options):
        cls = importing.get_importer(kind)
        importing.write_template(cls, out)
        self.stdout.write(self.style.SUCCESS(f"已生成{cls.label}导入模板：{out}"))
