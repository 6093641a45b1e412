"""消息中心: the in-app messages each user receives, their delivery by e-mail and SMS, and each user's
choice of channels per kind of message.

A message is stored once per (recipient, kind, key): the key names the event (an alert, a day's
missing report, a milestone and its date), so announcing the same event twice stores and sends nothing
twice. Each e-mail or SMS is a Delivery row: sent, failed (with the error, retried by
`edubureau notify send-due`) or skipped (no address).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import VIEW


class Kind(models.TextChoices):
    NEW_ALERT = "new_alert", _("新预警")
    ALERT_ASSIGNED = "alert_assigned", _("预警指派给我")
    REPORT_MISSING = "report_missing", _("日报未按时上报")
    MILESTONE_DUE = "milestone_due", _("里程碑临近（3天内）")
    MILESTONE_OVERDUE = "milestone_overdue", _("里程碑逾期")
    APPLICATION_RETURNED = "application_returned", _("申请退回补正")
    IMPORT_FINISHED = "import_finished", _("导入完成")


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user, action: str = VIEW):
        """A user's own messages, and nobody else's (whatever the role)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    key = models.CharField(_("事件标识"), max_length=120, help_text=_("同一接收人、类型和事件标识只通知一次"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="notification_unique_event",
                violation_error_message="同一事件已通知过该用户。",
            ),
        ]  # fmt: skip
        indexes = [
            # the bell's COUNT: one index range of the user's unread rows
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_latest_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notifications:open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's channels for one kind (in-app always). No row: in-app only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="notification_preferences",
    )  # fmt: skip
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    email = models.BooleanField(_("同时发邮件"), default=False)
    sms = models.BooleanField(_("同时发短信"), default=False)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_preference_unique",
                violation_error_message="每个用户每类消息只有一条偏好。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.user} {self.get_kind_display()}"


class Delivery(models.Model):
    """One message sent (or to send) by e-mail or SMS."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败")
        SKIPPED = "skipped", _("未发送（无地址）")

    notification = models.ForeignKey(
        Notification, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=5, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["notification", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_unique_channel",
                violation_error_message="每条消息每个渠道只发送一次。",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["status"], name="delivery_status_idx")]

    def __str__(self):
        return f"{self.notification} {self.get_channel_display()} {self.get_status_display()}"
