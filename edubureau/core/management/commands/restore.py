import sys

from django.core.management.base import BaseCommand, CommandError

from edubureau.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份恢复数据库（覆盖当前数据）。Restore the database from a backup (replaces current data)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件 / backup file")
        parser.add_argument("--yes", action="store_true", help="不再确认 / do not ask")

    def handle(self, *args, file, yes, **options):
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("非交互方式运行时请加 --yes 确认覆盖。Pass --yes when not interactive.")
            answer = input("恢复将覆盖当前数据库的全部数据，确定吗？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消。")
        try:
            restore(file)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(f"已从 {file} 恢复。"))
