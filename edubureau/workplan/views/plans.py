"""Pages of the plan and the projects: thin views over core's generics; the rules are in services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from edubureau.core.ids import parse_id
from edubureau.core.scope import ADD, CHANGE, DELETE, EXPORT, VIEW, scope_of
from edubureau.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
)

from .. import dashboards, services
from ..filtersets import PlanFilterSet, ProgressReportFilterSet, ProjectFilterSet, TaskFilterSet
from ..forms import (
    AdvanceForm,
    AttachmentForm,
    MilestoneForm,
    OverrideForm,
    PlanForm,
    ProgressReportForm,
    ProjectForm,
    SectionForm,
    StageDatesForm,
    TargetForm,
    TaskForm,
    apply_errors,
)
from ..models import (
    STAGE_ORDER,
    Attachment,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectStageName,
    Section,
    Target,
    Task,
    may_write_plans,
)
from ..tables import PLAN_COLUMNS, PROJECT_COLUMNS, REPORT_COLUMNS, TASK_COLUMNS


def may(user, model, obj, action) -> bool:
    return model.objects.for_user(user, action).filter(pk=obj.pk).exists()


class ServiceEditView(ObjectEditView):
    """Create or update through a service: the form validates, the service writes (and may refuse
    with a ValidationError, shown on the form), the scope is re-checked before the commit."""

    def form_kwargs(self, obj):
        return {}

    def get_form(self, obj, data=None):
        return self.form_class(data, self.request.FILES or None, instance=obj, **self.form_kwargs(obj))

    def post(self, request, pk=None, **kwargs):
        obj = self.get_object(pk)
        creating = obj.pk is None
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            return self.render_form(obj, form)
        try:
            with transaction.atomic():
                # The form filled `obj` in; the service gets a fresh copy so the change log sees the change.
                saved = self.create(form) if creating else self.update(self.get_object(pk), form)
                if not self.get_queryset(ADD if creating else CHANGE).filter(pk=saved.pk).exists():
                    raise PermissionDenied(_("不能把数据改到您的管理范围之外。"))
        except ValidationError as e:
            apply_errors(form, e)
            return self.render_form(obj, form)
        messages.success(request, _("已保存：%(obj)s") % {"obj": saved})
        return redirect(saved.get_absolute_url())

    def fields(self, form, exclude=()):
        return {k: v for k, v in form.cleaned_data.items() if k not in exclude}


# ---------------------------------------------------------------- plans


class PlanListView(ObjectListView):
    model = Plan
    filterset_class = PlanFilterSet
    columns = PLAN_COLUMNS
    add_url_name = "workplan:plan_add"
    template_name = "workplan/plan_list.html"

    def base_context(self, **extra):
        context = super().base_context(**extra)
        if not may_write_plans(self.request.user, ADD):
            context["add_url"] = None
        return context


class PlanDetailView(ObjectDetailView):
    model = Plan
    template_name = "workplan/plan_detail.html"

    def list_url(self):
        return reverse("workplan:plan_list")

    def extra_context(self, plan, unmasked):
        user = self.request.user
        tasks = list(
            Task.objects.for_user(user)
            .filter(plan=plan)
            .select_related("lead_department")
            .order_by("parent_id", "number")
        )
        children = {}
        for t in tasks:
            if t.parent_id:
                children.setdefault(t.parent_id, []).append(t)
        tree = []
        for section in plan.sections.all():
            top = [
                (t, children.get(t.pk, [])) for t in tasks if t.section_id == section.pk and not t.parent_id
            ]
            # a school may cooperate on a sub-task only: show it under its section
            orphans = [
                t
                for t in tasks
                if t.section_id == section.pk and t.parent_id and t.parent_id not in {p.pk for p in tasks}
            ]
            tree.append((section, top + [(t, []) for t in orphans]))
        counts = {}
        for t in tasks:
            counts[t.status] = counts.get(t.status, 0) + 1
        writer = may_write_plans(user)
        return {
            "tree": tree,
            "status_counts": sorted(counts.items()),
            "task_count": len(tasks),
            "may_write_plan": writer,
            "may_add_task": scope_of(user).allows("workplan", ADD),
            "documents": documents_for(user, plan),
        }


DOCUMENTS = (
    (gettext_lazy("工作要点 .docx"), "workplan:plan_points_docx"),
    (gettext_lazy("任务台账 .xlsx"), "workplan:plan_ledger_xlsx"),
    (gettext_lazy("工作总结 .docx"), "workplan:plan_summary_docx"),
    (gettext_lazy("推进情况 .docx"), "workplan:plan_progress_docx"),
    (gettext_lazy("总结预览"), "workplan:plan_summary_preview"),
)


def documents_for(user, plan):
    """(label, url) of the generated documents (summary.py): they name every task of the plan, so
    only district-wide users who may export the plan get them."""
    scope = scope_of(user)
    if not scope.bureau_may("workplan", EXPORT):
        return []
    return [(label, reverse(name, args=[plan.pk])) for label, name in DOCUMENTS]


class PlanEditView(ServiceEditView):
    model = Plan
    form_class = PlanForm

    def get_object(self, pk):
        if not may_write_plans(self.request.user):
            raise PermissionDenied(_("只有系统管理员可以编辑工作要点。"))
        return super().get_object(pk)

    def create(self, form):
        return services.create_plan(**form.cleaned_data)

    def update(self, plan, form):
        return services.update_plan(plan, **form.cleaned_data)


class SectionEditView(ServiceEditView):
    """Add a section to a plan (plan_pk) or edit one (pk)."""

    model = Section
    form_class = SectionForm

    def get_object(self, pk):
        if not may_write_plans(self.request.user):
            raise PermissionDenied(_("只有系统管理员可以编辑工作要点。"))
        if pk is None:
            plan = get_object_or_404(
                Plan.objects.for_user(self.request.user, CHANGE), pk=self.kwargs["plan_pk"]
            )
            order = (plan.sections.order_by("-order").values_list("order", flat=True).first() or 0) + 1
            return Section(plan=plan, order=order)
        return super().get_object(pk)

    def get(self, request, pk=None, plan_pk=None):
        return super().get(request, pk)

    def post(self, request, pk=None, plan_pk=None):
        return super().post(request, pk)

    def create(self, form):
        plan = get_object_or_404(Plan, pk=self.kwargs["plan_pk"])
        return services.create_section(plan, **form.cleaned_data)

    def update(self, section, form):
        return services.update_section(section, **form.cleaned_data)


# ---------------------------------------------------------------- tasks


class TaskListView(ObjectListView):
    model = Task
    filterset_class = TaskFilterSet
    columns = TASK_COLUMNS
    select_related = ("plan", "section", "lead_department")
    export_name = "任务台账"

    def get_queryset(self, action=None):
        # the export writes the cooperating departments and schools of every row
        return super().get_queryset(action).prefetch_related("cooperating_departments", "cooperating_schools")


class TaskDetailView(ObjectDetailView):
    model = Task
    template_name = "workplan/task_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("plan", "section", "parent", "lead_department")

    def breadcrumbs(self, obj):
        return [
            (_("工作要点"), reverse("workplan:plan_list")),
            (str(obj.plan), obj.plan.get_absolute_url()),
            (obj.label, None),
        ]

    def extra_context(self, task, unmasked):
        user = self.request.user
        may_change = may(user, Task, task, CHANGE)
        return {
            "may_change": may_change,
            "may_delete": may(user, Task, task, DELETE),
            "children": Task.objects.for_user(user).filter(parent=task).order_by("number"),
            "reports": task.reports.select_related("reported_by").prefetch_related("attachments"),
            "projects": Project.objects.for_user(user).filter(tasks=task),
            "override_form": OverrideForm(
                initial={"status": task.status_override, "reason": task.override_reason}
            ),
            **milestone_context(task, may_change),
            **target_context(task, may_change),
        }


class TaskEditView(ServiceEditView):
    model = Task
    form_class = TaskForm

    def get_object(self, pk):
        if pk is None:
            if not self.module_allows(ADD):
                raise PermissionDenied(_("您没有新增该数据的权限。"))
            plan = get_object_or_404(
                Plan.objects.for_user(self.request.user), pk=parse_id(self.request.GET.get("plan"))
            )
            task = Task(plan=plan)
            section = plan.sections.filter(pk=parse_id(self.request.GET.get("section"))).first()
            if section:
                task.section = section
            return task
        return super().get_object(pk)

    def form_kwargs(self, obj):
        return {"plan": obj.plan}

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        department = getattr(self.request.user, "department", None)
        if obj.pk is None and department is not None and not form.is_bound:
            form.initial["lead_department"] = department.pk
        return form

    def create(self, form):
        data = self.fields(form)
        section = data.pop("section")
        return services.create_task(section, **data)

    def update(self, task, form):
        return services.update_task(task, **self.fields(form))


class TaskDeleteView(ObjectDeleteView):
    model = Task

    def post(self, request, pk):
        task = self.get_object(pk)
        url = task.plan.get_absolute_url()
        services.delete_task(task)
        messages.success(request, _("已删除：%(obj)s") % {"obj": task})
        return redirect(url)


class TaskOverrideView(ScopedMixin, View):
    """人工指定状态 (with a reason) or back to the derived status."""

    model = Task

    def post(self, request, pk):
        task = get_object_or_404(Task.objects.for_user(request.user, CHANGE), pk=pk)
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                services.override_status(task, form.cleaned_data["status"], form.cleaned_data["reason"])
            except ValidationError as e:
                apply_errors(form, e)
        if form.errors:
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
        else:
            messages.success(request, _("任务状态已更新为“%(status)s”。") % {"status": task.status})
        return redirect(task.get_absolute_url())

    def get(self, request, pk):
        task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
        return redirect(task.get_absolute_url())


# ---------------------------------------------------------------- milestones and KPIs (HTMX fragments)


def milestone_context(task, may_change, form=None):
    today = timezone.localdate()
    return {
        "task": task,
        "milestones": [(m, m.is_overdue(today)) for m in task.milestones.all()],
        "milestone_form": form or (MilestoneForm(task=task) if may_change else None),
        "may_change": may_change,
    }


def target_context(task, may_change, form=None):
    return {
        "task": task,
        "targets": [(t, services.kpi_actual(t), services.kpi_attainment(t)) for t in task.targets.all()],
        "target_form": form or (TargetForm() if may_change else None),
        "may_change": may_change,
    }


class TaskPartView(ScopedMixin, View):
    """GET: the task's milestones (or KPIs) block; POST: add one and answer the block again."""

    model = Task
    template_name = None
    form_class = None

    def get(self, request, pk):
        task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
        return self.block(task, may(request.user, Task, task, CHANGE))

    def post(self, request, pk):
        task = get_object_or_404(Task.objects.for_user(request.user, CHANGE), pk=pk)
        form = self.make_form(task, request.POST)
        if form.is_valid():
            try:
                self.create(task, form.cleaned_data)
                form = None
            except ValidationError as e:
                apply_errors(form, e)
        if form is None and not request.headers.get("HX-Request"):
            return redirect(task.get_absolute_url())
        return self.block(task, True, form)


class MilestonesView(TaskPartView):
    def make_form(self, task, data):
        return MilestoneForm(data, task=task)

    def create(self, task, data):
        services.create_milestone(task, **data)

    def block(self, task, may_change, form=None, status=200):
        return render(
            self.request,
            "workplan/includes/milestones.html",
            milestone_context(task, may_change, form),
            status=status,
        )


class TargetsView(TaskPartView):
    def make_form(self, task, data):
        return TargetForm(data, instance=Target(task=task))

    def create(self, task, data):
        services.create_target(task, **data)

    def block(self, task, may_change, form=None, status=200):
        return render(
            self.request,
            "workplan/includes/targets.html",
            target_context(task, may_change, form),
            status=status,
        )


def retarget(response, selector):
    """The edit form sits in a table row; a saved edit redraws the whole block instead."""
    response["HX-Retarget"] = selector
    response["HX-Reswap"] = "outerHTML"
    return response


class ChildEditView(ScopedMixin, View):
    """Edit (GET form / POST save) or delete (POST with delete=1) one milestone or KPI; answers the block."""

    def get_child(self, pk, action):
        return get_object_or_404(
            self.model.objects.for_user(self.request.user, action).select_related("task__plan"), pk=pk
        )

    def get(self, request, pk):
        child = self.get_child(pk, CHANGE)
        return render(
            request,
            "workplan/includes/child_form.html",
            {"form": self.make_form(child), "child": child, "action": request.path},
        )

    def post(self, request, pk):
        child = self.get_child(pk, CHANGE)
        task = child.task
        if request.POST.get("delete") == "1":
            self.delete(child)
            return self.block(task)
        form = self.make_form(child, request.POST)
        if form.is_valid():
            try:
                self.update(self.get_child(pk, CHANGE), form.cleaned_data)
                return self.block(task)
            except ValidationError as e:
                apply_errors(form, e)
        return render(
            request,
            "workplan/includes/child_form.html",
            {"form": form, "child": child, "action": request.path},
        )


class MilestoneEditView(ChildEditView):
    model = Milestone

    def make_form(self, child, data=None):
        return MilestoneForm(data, instance=child, task=child.task)

    def update(self, child, data):
        services.update_milestone(child, **data)

    def delete(self, child):
        services.delete_milestone(child)

    def block(self, task):
        if not self.request.headers.get("HX-Request"):
            return redirect(task.get_absolute_url() + "#milestones")
        response = render(self.request, "workplan/includes/milestones.html", milestone_context(task, True))
        return retarget(response, "#milestones-block")


class TargetEditView(ChildEditView):
    model = Target

    def make_form(self, child, data=None):
        return TargetForm(data, instance=child)

    def update(self, child, data):
        services.update_target(child, **data)

    def delete(self, child):
        services.delete_target(child)

    def block(self, task):
        if not self.request.headers.get("HX-Request"):
            return redirect(task.get_absolute_url() + "#targets")
        response = render(self.request, "workplan/includes/targets.html", target_context(task, True))
        return retarget(response, "#targets-block")


# ---------------------------------------------------------------- progress reports


class ProgressReportView(ScopedMixin, View):
    model = Task
    template_name = "workplan/report_form.html"

    def get_task(self, pk):
        return get_object_or_404(
            Task.objects.for_user(self.request.user, CHANGE).select_related("plan"), pk=pk
        )

    def get(self, request, pk):
        task = self.get_task(pk)
        return self.render_form(task, ProgressReportForm(task=task))

    def post(self, request, pk):
        task = self.get_task(pk)
        form = ProgressReportForm(request.POST, request.FILES, task=task)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_progress(
                    task, data["period_start"], data["text"], period=data["period"], percent=data["percent"],
                    actuals=form.actuals(), delay_reasons=data["delay_reasons"], delay_text=data["delay_text"],
                    user=request.user, files=data["files"],
                )  # fmt: skip
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("已保存推进情况：%(task)s") % {"task": task})
                return redirect(task.get_absolute_url() + "#reports")
        return self.render_form(task, form)

    def render_form(self, task, form):
        title = _("填报推进情况：%(task)s") % {"task": task}
        context = self.base_context(
            object=task, form=form, title=title,
            breadcrumbs=[(str(task.plan), task.plan.get_absolute_url()), (task.label, task.get_absolute_url()), (_("填报推进情况"), None)],
        )  # fmt: skip
        return render(self.request, self.template_name, context)


class ProgressReportListView(ObjectListView):
    model = ProgressReport
    filterset_class = ProgressReportFilterSet
    columns = REPORT_COLUMNS
    select_related = ("task", "reported_by")
    export_name = "推进情况"


class RemindersView(ScopedMixin, View):
    model = Task

    def get(self, request):
        if not self.module_allows(VIEW):
            raise PermissionDenied(_("您没有查看该数据的权限。"))
        today = timezone.localdate()
        tasks = Task.objects.for_user(request.user)
        items = services.reminders(tasks, today)
        context = self.base_context(
            title=_("逾期与未报提醒"),
            milestones=[r for r in items if r.kind == "milestone"],
            missing=[r for r in items if r.kind == "report"],
            month=services.last_month_start(today),
        )
        return render(request, "workplan/reminders.html", context)


class AttachmentView(ScopedMixin, View):
    model = Attachment

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment.objects.for_user(request.user), pk=pk)
        try:
            handle = default_storage.open(attachment.path, "rb")
        except FileNotFoundError as e:
            raise Http404(_("附件文件已不存在。")) from e
        return FileResponse(handle, as_attachment=True, filename=attachment.name)


# ---------------------------------------------------------------- projects


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    columns = PROJECT_COLUMNS
    select_related = ("school",)
    add_url_name = "workplan:project_add"
    export_name = "重点项目"

    def get_queryset(self, action=None):
        # sort stages in their order (立项 → … → 交付使用), not alphabetically
        order = Case(*(When(stage=name, then=Value(i)) for name, i in STAGE_ORDER.items()))
        return super().get_queryset(action).annotate(stage_order=order)


class ProjectDetailView(ObjectDetailView):
    model = Project
    template_name = "workplan/project_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school")

    def list_url(self):
        return reverse("workplan:project_list")

    def extra_context(self, project, unmasked):
        user = self.request.user
        today = timezone.localdate()
        rows = {s.stage: s for s in project.stages.all()}
        timeline = []
        for name in ProjectStageName.values:
            row = rows.get(name)
            planned, actual = (row.planned_date, row.actual_date) if row else (None, None)
            late = bool(planned and ((actual and actual > planned) or (not actual and planned < today)))
            timeline.append({"stage": name, "planned": planned, "actual": actual, "late": late,
                             "reached": STAGE_ORDER[name] <= STAGE_ORDER[project.stage] and bool(actual),
                             "note": row.note if row else ""})  # fmt: skip
        may_change = may(user, Project, project, CHANGE)
        return {
            "timeline": timeline,
            "may_change": may_change,
            "may_delete": may(user, Project, project, DELETE),
            "advance_form": AdvanceForm() if may_change else None,
            "attachment_form": AttachmentForm() if may_change else None,
            "tasks": Task.objects.for_user(user).filter(projects=project).select_related("plan"),
            "delayed": services.delayed_projects(Project.objects.filter(pk=project.pk), today).exists(),
        }


class ProjectEditView(ServiceEditView):
    model = Project
    form_class = ProjectForm

    def form_kwargs(self, obj):
        return {"user": self.request.user}

    def create(self, form):
        return services.create_project(**self.fields(form))

    def update(self, project, form):
        return services.update_project(project, **self.fields(form))


class ProjectDeleteView(ObjectDeleteView):
    model = Project
    success_url_name = "workplan:project_list"


class ProjectActionView(ScopedMixin, View):
    model = Project

    def get_project(self, pk):
        return get_object_or_404(Project.objects.for_user(self.request.user, CHANGE), pk=pk)

    def get(self, request, pk):
        project = self.get_project(pk)
        return self.render_form(project, self.make_form(project))

    def render_form(self, project, form):
        context = self.base_context(
            object=project, form=form, title=f"{self.title}：{project}",
            breadcrumbs=[(_("重点项目"), reverse("workplan:project_list")), (str(project), project.get_absolute_url()), (self.title, None)],
        )  # fmt: skip
        return render(self.request, "workplan/project_action.html", context)


class ProjectAdvanceView(ProjectActionView):
    title = _("推进阶段")

    def make_form(self, project, data=None):
        return AdvanceForm(data)

    def post(self, request, pk):
        project = self.get_project(pk)
        form = self.make_form(project, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.advance_project(project, data["stage"], data["date"], data["note"])
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("项目已推进到“%(stage)s”。") % {"stage": data["stage"]})
                return redirect(project.get_absolute_url())
        return self.render_form(project, form)


class ProjectStagesView(ProjectActionView):
    title = _("编辑阶段日期")

    def make_form(self, project, data=None):
        return StageDatesForm(data, project=project)

    def post(self, request, pk):
        project = self.get_project(pk)
        form = self.make_form(project, request.POST)
        if form.is_valid():
            try:
                services.set_stage_dates(project, form.dates())
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("阶段日期已保存。"))
                return redirect(project.get_absolute_url())
        return self.render_form(project, form)


class ProjectAttachmentView(ProjectActionView):
    title = _("上传附件")

    def make_form(self, project, data=None, files=None):
        return AttachmentForm(data, files)

    def post(self, request, pk):
        project = self.get_project(pk)
        form = self.make_form(project, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for f in form.cleaned_data["files"]:
                        services.add_attachment(f, project=project, user=request.user)
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("附件已上传。"))
                return redirect(project.get_absolute_url())
        return self.render_form(project, form)


# ---------------------------------------------------------------- dashboards


class PlanDashboardView(ScopedMixin, View):
    model = Task

    def get(self, request):
        if not self.module_allows(VIEW):
            raise PermissionDenied(_("您没有查看该数据的权限。"))
        plans = Plan.objects.for_user(request.user)
        year = request.GET.get("year")
        plan = plans.filter(year=year).first() if year and year.isdigit() else None
        plan = plan or plans.filter(year__lte=timezone.localdate().year).first() or plans.first()
        tasks = Task.objects.for_user(request.user).filter(plan=plan) if plan else Task.objects.none()
        context = self.base_context(
            title=_("工作要点看板"), plan=plan, plans=plans,
            charts=dashboards.plan_charts(plan, tasks) if plan else [],
            overdue=services.overdue_milestones(tasks)[:20],
        )  # fmt: skip
        return render(request, "workplan/dashboard.html", context)


class ProjectDashboardView(ScopedMixin, View):
    model = Project

    def get(self, request):
        if not self.module_allows(VIEW):
            raise PermissionDenied(_("您没有查看该数据的权限。"))
        projects = Project.objects.for_user(request.user)
        context = self.base_context(
            title=_("重点项目看板"),
            charts=dashboards.project_charts(projects),
            delayed=services.delayed_projects(projects).select_related("school")[:30],
            totals=dashboards.project_totals(projects),
        )
        return render(request, "workplan/project_dashboard.html", context)
