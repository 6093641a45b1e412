"""Pages around documents: the generated 工作要点/工作总结/推进情况/任务台账 downloads, the summary
preview, and the import of an existing document (upload → parsed draft preview → confirm KPIs →
create). The documents are written by summary.py and read by parsing.py/importing.py."""

import datetime
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core.models import AccessRecord
from edubureau.core.scope import ADD, EXPORT, scope_of
from edubureau.core.views import ScopedMixin, log_access

from ..forms import ImportForm
from ..models import Plan, may_write_plans

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "workplan_import"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 6266 filename* so that Chinese names survive every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class PlanDocumentView(ScopedMixin, View):
    """A generated document of the whole plan. It names every task, so only district-wide users who
    may export the plan download it (a school sees only the tasks it cooperates on)."""

    model = Plan
    kind = None  # "summary", "points", "ledger", "progress"

    def get_plan(self, pk):
        scope = scope_of(self.request.user)
        if not scope.bureau_may("workplan", EXPORT):
            raise PermissionDenied(_("您没有导出工作要点文件的权限。"))
        return get_object_or_404(Plan.objects.for_user(self.request.user, EXPORT), pk=pk)

    def get(self, request, pk):
        from .. import summary

        plan = self.get_plan(pk)
        if self.kind == "summary":
            content, name, kind = summary.summary_docx(plan), f"{plan.year}年工作总结.docx", DOCX
        elif self.kind == "points":
            content, name, kind = summary.plan_docx(plan), f"{plan.year}年工作要点.docx", DOCX
        elif self.kind == "ledger":
            content, name, kind = summary.ledger_xlsx(plan), f"{plan.year}年任务台账.xlsx", XLSX
        else:
            start, end = self.date_range(plan)
            content = summary.progress_docx(plan, start, end)
            name, kind = f"{plan.year}年重点工作推进情况（{start:%Y%m%d}至{end:%Y%m%d}）.docx", DOCX
        log_access(request, AccessRecord.Kind.EXPORT, name)
        return _download(content, name, kind)

    def date_range(self, plan):
        def parse(value, default):
            try:
                return datetime.date.fromisoformat(value) if value else default
            except ValueError:
                return default

        end_default = min(plan.last_day, max(plan.first_day, timezone.localdate()))
        start = parse(self.request.GET.get("start"), plan.first_day)
        end = parse(self.request.GET.get("end"), end_default)
        return (start, end) if start <= end else (end, start)


class SummaryPreviewView(PlanDocumentView):
    """The text of the generated 工作总结 (特色亮点, 完成情况, 问题挑战, 下一步计划) on a page."""

    def get(self, request, pk):
        from .. import summary

        plan = self.get_plan(pk)
        context = self.base_context(
            object=plan,
            title=_("%(year)s年工作总结（预览）") % {"year": plan.year},
            sections=summary.preview_sections(plan),
            breadcrumbs=[(_("工作要点"), reverse("workplan:plan_list")), (str(plan), plan.get_absolute_url()), (_("总结预览"), None)],
            download_url=reverse("workplan:plan_summary_docx", args=[plan.pk]),
        )  # fmt: skip
        return render(request, "workplan/summary_preview.html", context)


# ---------------------------------------------------------------- import


def _import_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "workplan" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class PlanImportView(ScopedMixin, View):
    """Step 1: upload a .txt/.docx/.doc; parse it and show the draft with its KPI candidates.
    Step 2 (POST with confirm=1): create the draft plan with the KPIs the user kept."""

    model = Plan
    template_name = "workplan/plan_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_write_plans(request.user, ADD):
            raise PermissionDenied(_("只有系统管理员可以导入工作要点。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render_page(ImportForm(initial={"year": timezone.localdate().year}))

    def post(self, request):
        from .. import importing, parsing

        if request.POST.get("confirm") == "1":
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parsed = parsing.parse_bytes(data, upload.name)
        except parsing.ParseError as e:
            form.add_error("file", str(e))
            return self.render_page(form)
        year = form.cleaned_data["year"] or parsed.year or timezone.localdate().year
        # Keep the upload until the user confirms; the confirm step parses it again (≤ 2 s).
        stored = _import_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:8]}"
        stored.write_bytes(data)
        request.session[IMPORT_SESSION_KEY] = {"path": stored.name, "filename": upload.name, "year": year}
        return self.render_page(
            form, parsed=parsed, candidates=importing.candidates(parsed), year=year,
            exists=Plan.objects.filter(year=year).exists(),
        )  # fmt: skip

    def confirm(self, request):
        from .. import importing, parsing

        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending:
            messages.error(request, _("导入已过期，请重新上传文件。"))
            return redirect("workplan:plan_import")
        path = _import_dir() / Path(pending["path"]).name
        try:
            year = int(request.POST.get("year") or pending["year"])
            parsed = parsing.parse_bytes(path.read_bytes(), pending["filename"])
            plan = importing.create_draft_plan(
                parsed, year, confirmed_targets=request.POST.getlist("target"),
                title=request.POST.get("title", "").strip() or None,
            )  # fmt: skip
        except (ValueError, OSError, ValidationError) as e:
            text = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
            messages.error(request, _("导入失败：%(error)s") % {"error": text})
            return redirect("workplan:plan_import")
        path.unlink(missing_ok=True)
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, _("已导入草稿：%(plan)s，请核对后发布。") % {"plan": plan})
        return redirect(plan.get_absolute_url())

    def render_page(self, form, **extra):
        context = self.base_context(
            title=_("导入工作要点"), form=form,
            breadcrumbs=[(_("工作要点"), reverse("workplan:plan_list")), (_("导入"), None)], **extra,
        )  # fmt: skip
        return render(self.request, self.template_name, context)
