import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


# Where a change came from; the log stores the code, the pages show the label.
SOURCES = [("web", _("网页")), ("api", "API"), ("cli", _("控制台")), ("import", _("批量导入")), ("system", _("系统"))]


class ChangeRecord(models.Model):
    """One create, update or delete of registry data. Written only by core.changelog; never edited."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.SET_NULL
    )
    user_name = models.CharField(_("用户名"), max_length=150, blank=True)
    request_id = models.UUIDField(_("请求编号"), default=uuid.uuid4, db_index=True)
    remote_addr = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="web")
    action = models.CharField(_("操作"), max_length=8, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="change_object_idx")]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionDenied("变更记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("变更记录不可删除。")

    @property
    def changed_fields(self):
        return sorted(set(self.before or {}) | set(self.after or {}))

    @property
    def source_label(self):
        return dict(SOURCES).get(self.source, self.source)

    def field_for(self, name):
        """The model field a logged name stands for: an attname ("school_class_id") or, for values
        logged together with a related row ("guardian__phone"), that row's field."""
        model = self.content_type.model_class()
        if model is not None and "__" in name:
            prefix, name = name.split("__", 1)
            try:
                model = apps.get_model(self.content_type.app_label, prefix)
            except LookupError:
                return None
        if model is None:
            return None
        return next((f for f in model._meta.concrete_fields if name in (f.attname, f.name)), None)

    def field_label(self, name):
        field = self.field_for(name)
        if field is None:
            return name
        if "__" in name:
            return f"{field.model._meta.verbose_name}·{field.verbose_name}"
        return str(field.verbose_name)

    @property
    def changed_field_labels(self):
        return [self.field_label(name) for name in self.changed_fields]


class AccessRecord(models.Model):
    """Reads that the law asks us to account for: unmasking sensitive fields and exports."""

    class Kind(models.TextChoices):
        UNMASK = "unmask", _("查看完整敏感信息")
        EXPORT = "export", _("导出")

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, on_delete=models.SET_NULL)
    user_name = models.CharField(_("用户名"), max_length=150, blank=True)
    remote_addr = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    what = models.CharField(_("内容"), max_length=300)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    unmasked = models.BooleanField(_("含未脱敏数据"), default=False)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.get_kind_display()} {self.what}"


class ImportJob(models.Model):
    """A bulk import: uploaded file, dry-run result, progress, outcome. Runs in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        CHECKED = "checked", _("已校验（未写入）")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("导入类型"), max_length=16)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    path = models.CharField(_("文件路径"), max_length=500)
    dry_run = models.BooleanField(_("仅校验"), default=True)
    valid_only = models.BooleanField(_("仅导入有效行"), default=False)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("消息"), blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误"), default=0)
    errors = models.JSONField(_("错误（前 500 条）"), default=list, blank=True)
    error_report = models.CharField(_("错误报告路径"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.kind} {self.filename} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
