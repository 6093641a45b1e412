"""The `edubureau` console script: Django's management commands, with an operator-friendly help.

`edubureau --help` lists the operator commands in Chinese and English; any other Django command
(migrate, createsuperuser, ...) passes straight through.
"""

import os
import sys

OPERATOR_COMMANDS = [
    ("demo", "生成演示区县数据", "build the demo district (--scale small|full, --seed N, --if-empty, --force)"),
    ("import", "批量导入 学校/班级/学生/教职工；--purge 删除过期的导入文件",
     "bulk import schools|classes|students|staff FILE [--dry-run] [--errors OUT.xlsx]; import --purge"),
    ("export", "导出为导入模板格式", "export students|staff|classes|schools --out FILE.xlsx [--school CODE]"),
    ("template", "下载空白导入模板", "write an empty import template: template students --out FILE.xlsx"),
    ("user", "用户管理：新增、改密码", "user add NAME --role ROLE [--org CODE] [--department NAME]; user passwd NAME"),
    ("health", "健康日报：导入日报、查看预警", "health load FILE.jsonl; health alerts [--date D] --json"),
    ("admissions", "招生：民办摇号、核验、录取分配", "admissions lottery|verify-lottery|allocate ..."),
    ("workplan", "工作要点：导入文档、生成工作总结/推进情况/台账", "workplan import FILE [--json] [--dry-run]; workplan summary|progress|points|ledger --out FILE"),
    ("equity", "优质均衡：差异系数、交流方案", "equity cv --input F.csv --stage primary|junior --json; equity optimise [--json]"),
    ("notify", "消息中心：发送到期提醒并重试失败的邮件/短信（cron 每 15 分钟）",
     "notify send-due [--dry-run]: reminders due now (missing reports, milestones) and failed deliveries"),
    ("backup", "在线备份数据库", "consistent online backup: backup --out FILE"),
    ("restore", "从备份恢复数据库", "restore FILE"),
    ("school", "学校沿革：合并、撤销、迁址", "school history: school merge|close|move ..."),
    ("migrate", "数据库迁移", "apply database migrations"),
    ("runserver", "开发服务器", "development web server"),
    ("createsuperuser", "创建超级管理员", "create a superuser"),
    ("check", "检查配置（--deploy 检查生产配置）", "system checks (--deploy for production)"),
]


def print_help():
    print("EduBureau 区县教育局数字化工作台 — 运维命令 / operator commands\n")
    print("用法 Usage: edubureau <命令 command> [选项 options]   (edubureau <command> --help 查看详细选项)\n")
    width = max(len(name) for name, _, _ in OPERATOR_COMMANDS)
    for name, zh, en in OPERATOR_COMMANDS:
        print(f"  {name.ljust(width)}  {zh}\n  {' ' * width}  {en}")
    print("\n其余 Django 管理命令均可直接使用（edubureau help 列出全部）。")
    print("All other Django management commands pass through (edubureau help lists them).")
    print("数据库由环境变量 DATABASE_URL 指定，默认 var/ 下的 SQLite。Database: DATABASE_URL, default SQLite in var/.")


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edubureau.settings")
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print_help()
        return 0
    if argv[1:2] == ["admissions"] and argv[2:3] in (["allocate"], ["lottery"], ["verify-lottery"]):
        from edubureau.admissions.offline import main as offline  # pure: no Django start-up (issue 4: ≤ 3 s)

        return offline(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["edubureau", *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
