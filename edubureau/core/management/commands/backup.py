from django.core.management.base import BaseCommand, CommandError

from edubureau.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "在线备份数据库（SQLite 一致性副本 / PostgreSQL pg_dump）。Consistent online database backup."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="备份文件路径 / output file")

    def handle(self, *args, out, **options):
        try:
            path = backup(out)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(f"备份完成：{path}（{path.stat().st_size:,} 字节）"))
