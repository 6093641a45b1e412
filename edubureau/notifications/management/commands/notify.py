"""`edubureau notify send-due [--dry-run] [--at 2025-11-17T10:00]`: the reminders due now, sent once.

Run by cron (docs/notifications.md): the reports still missing after today's 晨检 deadline, the
milestones due within three days and those overdue; each reminder's key holds the date or the
milestone, so running it again sends nothing twice. Then the failed e-mails and SMS are retried.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from edubureau.notifications import services
from edubureau.notifications.models import Kind


class Command(BaseCommand):
    help = "消息中心：发送到期提醒（日报未报、里程碑临近/逾期）并重试失败的邮件和短信。Send due reminders."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser(
            "send-due", help="发送到期提醒并重试失败的发送 / send due reminders, retry failed deliveries"
        )
        due.add_argument("--dry-run", action="store_true", help="只列出将发送的消息，不保存也不发送")
        due.add_argument("--at", help="按此时刻计算（默认现在），如 2025-11-17T10:00")

    def handle(self, *args, action, dry_run=False, at=None, **options):
        now = timezone.now()
        if at:
            parsed = parse_datetime(at)
            if parsed is None:
                raise CommandError(f"时刻“{at}”无效，请按 YYYY-MM-DDTHH:MM 填写。")
            now = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        result = services.send_due(now, dry_run=dry_run)
        labels = dict(Kind.choices)
        names = dict(
            get_user_model()
            .objects.filter(pk__in={m.recipient_id for _k, m in result["new"]})
            .values_list("pk", "username")
        )
        for kind, message in result["new"]:
            self.stdout.write(
                f"{labels[kind]}\t{names.get(message.recipient_id, message.recipient_id)}\t{message.title}"
            )
        counts = {}
        for kind, _message in result["new"]:
            counts[kind] = counts.get(kind, 0) + 1
        summary = "，".join(f"{labels[k]} {n} 条" for k, n in counts.items()) or "没有新的提醒"
        if dry_run:
            self.stdout.write(f"（演练，未保存、未发送）将发送：{summary}")
            return
        sent, failed = result["deliveries"]["sent"], result["deliveries"]["failed"]
        self.stdout.write(f"已发送提醒：{summary}；邮件/短信发送成功 {sent} 条，失败 {failed} 条。")
