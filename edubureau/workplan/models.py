"""工作要点与重点项目: the year's plan (sections → numbered tasks → sub-tasks, with KPIs, milestones and
progress reports) and the key construction projects (基本建设/重点项目) with their stages.

Scope: plans, tasks and their children are module "workplan", projects module "projects".
A department user sees and updates the tasks its department leads or cooperates on; a school sees
the tasks it cooperates on (read only); leaders and admins see everything (TaskQuerySet.narrow).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.accounts.models import Department
from edubureau.accounts.roles import Role
from edubureau.core.scope import READ_ACTIONS, VIEW, ScopedQuerySet, scope_of
from edubureau.org.models import School, Stage

CN_NUMERALS = "零一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (section numbers 一、二、三 …)."""
    if n <= 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CN_NUMERALS[tens] if tens > 1 else "") + "十" + (CN_NUMERALS[ones] if ones else "")


def _department_of(user):
    """The department whose own tasks a department user works on; None for every other role."""
    if getattr(user, "role", None) == Role.DEPARTMENT and getattr(user, "department_id", None):
        return user.department_id
    return None


# ---------------------------------------------------------------- scope


def may_write_plans(user, action: str = "change") -> bool:
    """Plans and sections are written by district-wide users not restricted to their own tasks
    (the administrator); department users work on their tasks, leaders and schools read."""
    return scope_of(user).permits(Plan, action) and not _department_of(user)


class PlanQuerySet(ScopedQuerySet):
    """A plan and its sections belong to the whole district (scope_bureau_writes): everyone with the
    module reads them; of the district-level users, departments work on their tasks, not the plan."""

    def narrow(self, scope, user, action=VIEW):
        return self if action in READ_ACTIONS or may_write_plans(user, action) else self.none()


class TaskQuerySet(ScopedQuerySet):
    def narrow(self, scope, user, action=VIEW):
        department = _department_of(user)
        if department:
            own = Task.objects.filter(
                Q(lead_department_id=department) | Q(cooperating_departments=department)
            )
            return self.filter(pk__in=own.values("pk"))
        if scope.all_units:
            return self
        cooperating = Task.objects.filter(cooperating_schools__in=scope.school_ids)
        return self.filter(pk__in=cooperating.values("pk"))


class TaskChildQuerySet(ScopedQuerySet):
    """Milestones, KPIs and progress reports are in scope when their task is."""

    def narrow(self, scope, user, action=VIEW):
        return self.filter(task__in=Task.objects.all().narrow(scope, user, action).values("pk"))


# ---------------------------------------------------------------- the plan


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("指导思想"), blank=True, help_text=_("工作要点开头的导语段落"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    issuer = models.CharField(_("发文单位"), max_length=100, blank=True, help_text=_("落款，如 某某区教育局"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()
    scope_module = "workplan"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("工作要点")
        verbose_name_plural = _("工作要点")
        ordering = ["-year"]

    def __str__(self):
        return self.title or f"{self.year}年工作要点"

    def get_absolute_url(self):
        return reverse("workplan:plan_detail", args=[self.pk])

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


class Section(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("工作要点"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("序号"), validators=[MinValueValidator(1)])
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("说明"), blank=True)

    objects = PlanQuerySet.as_manager()
    scope_module = "workplan"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("部分")
        verbose_name_plural = _("部分")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"], name="workplan_section_unique_order",
                violation_error_message="同一工作要点中部分序号不能重复。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.number}、{self.title}"

    def get_absolute_url(self):
        return reverse("workplan:plan_detail", args=[self.plan_id]) + f"#section-{self.pk}"

    @property
    def number(self) -> str:
        return chinese_numeral(self.order)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "未启动", _("未启动")
    IN_PROGRESS = "推进中", _("推进中")
    DONE = "已完成", _("已完成")
    DELAYED = "延缓", _("延缓")
    CANCELLED = "取消", _("取消")


class Task(models.Model):
    """A numbered key task (1 … N across the plan) or a sub-task (numbered 1 … within its parent)."""

    plan = models.ForeignKey(Plan, verbose_name=_("工作要点"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, verbose_name=_("部分"), on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.PositiveSmallIntegerField(_("编号"), validators=[MinValueValidator(1)])
    title = models.CharField(_("任务名称"), max_length=300)
    description = models.TextField(_("任务内容"), blank=True)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("牵头科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    cooperating_departments = models.ManyToManyField(
        Department, verbose_name=_("配合科室"), blank=True, related_name="cooperating_tasks"
    )
    cooperating_schools = models.ManyToManyField(
        School, verbose_name=_("配合学校"), blank=True, related_name="cooperating_tasks"
    )
    highlight = models.BooleanField(_("特色亮点"), default=False)
    # `status` is derived (services.derive_status) and stored so lists filter and count by it;
    # `status_override` wins over the derived value and needs `override_reason`.
    status = models.CharField(
        _("状态"), max_length=4, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED, db_index=True
    )
    status_override = models.CharField(
        _("人工指定状态"), max_length=4, choices=TaskStatus.choices, blank=True
    )
    override_reason = models.CharField(_("指定状态原因"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = TaskQuerySet.as_manager()
    scope_module = "workplan"

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "section__order", "parent_id", "number"]
        indexes = [models.Index(fields=["plan", "status"], name="workplan_task_plan_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], condition=Q(parent__isnull=True), name="workplan_task_unique_number",
                violation_error_message="同一工作要点中任务编号不能重复。",
            ),
            models.UniqueConstraint(
                fields=["parent", "number"], condition=Q(parent__isnull=False), name="workplan_subtask_unique_number",
                violation_error_message="同一任务下子任务编号不能重复。",
            ),
            models.CheckConstraint(
                condition=Q(status_override="") | ~Q(override_reason=""), name="workplan_task_override_has_reason",
                violation_error_message="人工指定任务状态时必须填写原因。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.label} {self.title}"

    def get_absolute_url(self):
        return reverse("workplan:task_detail", args=[self.pk])

    @property
    def label(self) -> str:
        """1 for a task, (1) for a sub-task: the numbering of the 工作要点."""
        return f"（{self.number}）" if self.parent_id else str(self.number)

    @property
    def cooperating_text(self) -> str:
        names = [d.name for d in self.cooperating_departments.all()] + [
            s.name for s in self.cooperating_schools.all()
        ]
        return "、".join(names)

    def clean(self):
        if self.section_id and self.plan_id and self.section.plan_id != self.plan_id:
            raise ValidationError({"section": "所选部分不属于该工作要点。"})
        if self.parent_id:
            if self.parent_id == self.pk or (self.pk and self.children.exists()):
                raise ValidationError(
                    {"parent": f"“{self.title}”本身有子任务或就是所选任务，不能再作为子任务。"}
                )
            if self.parent.parent_id:
                raise ValidationError({"parent": f"“{self.parent}”本身是子任务，子任务下不能再分子任务。"})
            if self.parent.plan_id != self.plan_id:
                raise ValidationError({"parent": "上级任务不属于该工作要点。"})
        if self.status_override and not self.override_reason.strip():
            raise ValidationError({"override_reason": "人工指定任务状态时必须填写原因。"})


class MetricCode(models.TextChoices):
    """The KPIs computed live from other modules. The codes are here, so every surface refuses any
    other; metrics.py holds the function of each."""

    SCHOOLS_OPENED = "schools_opened", _("新开办学校数")
    LARGE_CLASSES = "large_classes", _("大班额班级数（超过55人）")
    STUDENTS_ENROLLED = "students_enrolled", _("在校学生数")
    STUDENTS_ADMITTED = "students_admitted", _("当年新入学学生数")
    PLACES_ADDED = "places_added", _("交付项目新增学位数")
    PROJECTS_STARTED = "projects_started", _("当年开工项目数")
    PROJECTS_DELIVERED = "projects_delivered", _("当年交付使用项目数")


class Target(models.Model):
    """A KPI of a task. With `metric` set, the actual value is computed live by metrics.py."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="targets")
    description = models.CharField(_("指标"), max_length=300)
    target_value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    actual_value = models.DecimalField(_("实际值"), max_digits=14, decimal_places=2, null=True, blank=True)
    measured_by = models.CharField(_("统计口径"), max_length=300, blank=True)
    metric = models.CharField(
        _("自动计算指标"), max_length=40, blank=True, choices=MetricCode.choices, help_text=_("从其他模块实时计算实际值"),
        error_messages={"invalid_choice": _("自动计算指标“%(value)s”不存在：请从列表中选择。")},
    )
    source_text = models.CharField(_("原文"), max_length=500, blank=True, help_text=_("从文件导入时的原句"))

    objects = TaskChildQuerySet.as_manager()
    scope_module = "workplan"

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["task", "pk"]

    def __str__(self):
        value = "" if self.target_value is None else f" {Decimal(self.target_value).normalize():f}{self.unit}"
        return f"{self.description}{value}"

    def get_absolute_url(self):
        return reverse("workplan:task_detail", args=[self.task_id]) + "#targets"


class Milestone(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=200)
    due_date = models.DateField(_("计划完成日期"))
    done_date = models.DateField(_("实际完成日期"), null=True, blank=True)

    objects = TaskChildQuerySet.as_manager()
    scope_module = "workplan"

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["task", "due_date", "pk"]
        indexes = [models.Index(fields=["due_date", "done_date"], name="workplan_milestone_due_idx")]

    def __str__(self):
        return f"{self.title}（{self.due_date:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("workplan:task_detail", args=[self.task_id]) + "#milestones"

    def clean(self):
        if self.task_id and self.due_date:
            year = self.task.plan.year
            if self.due_date.year != year:
                raise ValidationError(
                    {
                        "due_date": f"计划完成日期 {self.due_date:%Y-%m-%d} 不在工作要点年度 {year} 年内，请填写 {year} 年的日期。"
                    }
                )

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_date is None and self.due_date < today


class DelayReason(models.TextChoices):
    EPIDEMIC = "疫情影响", _("疫情影响")
    FUNDING = "资金压力", _("资金压力")
    APPROVAL = "审批滞后", _("审批滞后")
    OTHER = "其他", _("其他")


class ProgressReport(models.Model):
    """推进情况: one report per task and period. `actuals` maps KPI ids (as strings) to the values
    reported for that period; the service copies them onto the KPIs' actual values."""

    class Period(models.TextChoices):
        MONTH = "month", _("月报")
        QUARTER = "quarter", _("季报")

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("周期"), max_length=8, choices=Period.choices, default=Period.MONTH)
    period_start = models.DateField(_("期间开始"), help_text=_("月报为当月1日，季报为季度首日"))
    text = models.TextField(_("推进情况"))
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    actuals = models.JSONField(_("指标实际值"), default=dict, blank=True)
    delay_reasons = models.JSONField(_("滞后原因"), default=list, blank=True)
    delay_text = models.TextField(_("滞后情况说明"), blank=True)
    reported_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    objects = TaskChildQuerySet.as_manager()
    scope_module = "workplan"

    class Meta:
        verbose_name = _("推进情况")
        verbose_name_plural = _("推进情况")
        ordering = ["task", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "period", "period_start"], name="workplan_report_unique_period",
                violation_error_message="该任务在这一期间已有推进情况，请修改已有的报告。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.task.label} {self.period_label}"

    def get_absolute_url(self):
        return reverse("workplan:task_detail", args=[self.task_id]) + f"#report-{self.pk}"

    @property
    def period_label(self) -> str:
        if self.period == self.Period.QUARTER:
            return f"{self.period_start.year}年第{(self.period_start.month - 1) // 3 + 1}季度"
        return f"{self.period_start.year}年{self.period_start.month}月"

    @property
    def period_end(self) -> datetime.date:
        months = 3 if self.period == self.Period.QUARTER else 1
        month = self.period_start.month + months
        year = self.period_start.year + (month - 1) // 12
        return datetime.date(year, (month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)

    @property
    def delay_reason_labels(self) -> str:
        return "、".join(self.delay_reasons)


# ---------------------------------------------------------------- projects


class ProjectType(models.TextChoices):
    NEW = "新建", _("新建")
    EXPANSION = "改扩建", _("改扩建")
    REINFORCEMENT = "加固", _("加固（校安工程）")
    EQUIPMENT = "设备", _("设备")


class ProjectStageName(models.TextChoices):
    """The stages in their order; a project's stage is the last one it has reached."""

    APPROVED = "立项", _("立项")
    FEASIBILITY = "可研", _("可研")
    DESIGN = "设计", _("设计")
    TENDER = "招标", _("招标")
    STARTED = "开工", _("开工")
    TOPPED_OUT = "主体结顶", _("主体结顶")
    ACCEPTED = "竣工验收", _("竣工验收")
    DELIVERED = "交付使用", _("交付使用")


STAGE_ORDER = {name: i for i, name in enumerate(ProjectStageName.values)}


class FundingSource(models.TextChoices):
    DISTRICT = "区级财政", _("区级财政")
    CITY = "市级补助", _("市级补助")
    BOND = "专项债", _("专项债")
    SOCIAL = "社会资金", _("社会资金")
    MIXED = "多渠道", _("多渠道")


class Project(models.Model):
    code = models.CharField(_("项目编号"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("计划年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    site = models.CharField(
        _("建设地点"), max_length=200, blank=True, help_text=_("新建学校等尚无学校时填写地块")
    )
    type = models.CharField(_("项目类型"), max_length=4, choices=ProjectType.choices, db_index=True)
    stage = models.CharField(
        _("当前阶段"),
        max_length=4,
        choices=ProjectStageName.choices,
        default=ProjectStageName.APPROVED,
        db_index=True,
    )
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=12, decimal_places=2, default=0)
    completed_investment = models.DecimalField(
        _("已完成投资（万元）"), max_digits=12, decimal_places=2, default=0
    )
    funding_source = models.CharField(_("资金来源"), max_length=6, choices=FundingSource.choices, blank=True)
    places_added = models.PositiveIntegerField(_("新增学位"), default=0)
    classes_added = models.PositiveIntegerField(_("新增班级"), default=0)
    delay_reason = models.CharField(_("滞后原因"), max_length=6, choices=DelayReason.choices, blank=True)
    delay_text = models.TextField(_("滞后情况说明"), blank=True)
    tasks = models.ManyToManyField(Task, verbose_name=_("关联任务"), blank=True, related_name="projects")
    # A 新建 project without a school: the school it will become when it is delivered (交付使用).
    new_school_code = models.CharField(_("新校学校标识码"), max_length=10, blank=True)
    new_school_name = models.CharField(_("新校名称"), max_length=100, blank=True)
    new_school_stage = models.CharField(_("新校学段"), max_length=8, choices=Stage.choices, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "projects"
    scope_path = "school"

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0) & Q(completed_investment__gte=0),
                name="workplan_project_investment_not_negative",
                violation_error_message="投资额不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(completed_investment__lte=models.F("total_investment")),
                name="workplan_project_completed_within_total",
                violation_error_message="已完成投资不能超过总投资。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workplan:project_detail", args=[self.pk])

    @property
    def investment_percent(self) -> int:
        return int(self.completed_investment * 100 / self.total_investment) if self.total_investment else 0

    @property
    def location(self) -> str:
        return self.school.name if self.school_id else self.site

    def clean(self):
        errors = {}
        if self.total_investment is not None and self.total_investment < 0:
            errors["total_investment"] = f"总投资（万元）不能为负数（填写的是 {self.total_investment}）。"
        if self.completed_investment is not None and self.completed_investment < 0:
            errors["completed_investment"] = (
                f"已完成投资（万元）不能为负数（填写的是 {self.completed_investment}）。"
            )
        elif (
            self.completed_investment is not None
            and self.total_investment is not None
            and self.completed_investment > self.total_investment
        ):
            errors["completed_investment"] = (
                f"已完成投资 {self.completed_investment} 万元超过了总投资 {self.total_investment} 万元。"
            )
        if not self.school_id and not self.site.strip():
            errors["site"] = "请选择学校或填写建设地点。"
        if errors:
            raise ValidationError(errors)


class ProjectStage(models.Model):
    """Planned and actual dates of one stage of a project; dates must follow the stage order."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stages"
    )
    stage = models.CharField(_("阶段"), max_length=4, choices=ProjectStageName.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    planned_date = models.DateField(_("计划日期"), null=True, blank=True)
    actual_date = models.DateField(_("实际日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "projects"
    scope_path = "project__school"

    class Meta:
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage"], name="workplan_project_stage_unique",
                violation_error_message="同一项目的每个阶段只能有一条记录。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.project} {self.stage}"

    def save(self, *args, **kwargs):
        self.order = STAGE_ORDER[self.stage]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("workplan:project_detail", args=[self.project_id]) + "#stages"


# ---------------------------------------------------------------- attachments


class AttachmentQuerySet(models.QuerySet):
    def for_user(self, user, action: str = VIEW):
        reports = ProgressReport.objects.for_user(user, action).values("pk")
        projects = Project.objects.for_user(user, action).values("pk")
        return self.filter(Q(report__in=reports) | Q(project__in=projects))


class Attachment(models.Model):
    """Evidence of a progress report or a document of a project (exactly one of the two)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("推进情况"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    # The storage name (default storage), not a FileField: the change log stores plain values.
    path = models.CharField(_("存储路径"), max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()
    scope_module = "workplan"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, project__isnull=True)
                | Q(report__isnull=True, project__isnull=False),
                name="workplan_attachment_one_owner",
                violation_error_message="附件必须属于一条推进情况或一个项目。",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workplan:attachment_download", args=[self.pk])
