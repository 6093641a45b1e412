"""Bulk import pages: upload → dry run (result page) → confirm → done; the job list; the blank
templates; the error workbooks. The work itself is core.importing; a job runs in a background
thread and the page polls its progress with HTMX.
"""

import io
import threading
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from . import importing
from .exports import XLSX
from .models import AccessRecord, ImportJob
from .scope import IMPORT, scope_of
from .views import log_access

RUN_IN_THREAD = True  # tests set this to False to run jobs inline, in the test's transaction
SHOWN_ERRORS = 200
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


def _importer(kind):
    try:
        return importing.get_importer(kind)
    except KeyError:
        raise Http404(_("No such import.")) from None


def _need_import_right(user, cls):
    if not scope_of(user).allows(cls.module, IMPORT):
        raise PermissionDenied(_("You may not import this data."))


def is_admin(user) -> bool:
    return user.is_superuser or getattr(user, "role", "") == "admin"


def visible_jobs(user):
    """A user sees their own jobs; system administrators see everybody's."""
    jobs = ImportJob.objects.select_related("user")
    return jobs if is_admin(user) else jobs.filter(user=user)


def start(job: ImportJob) -> None:
    if not RUN_IN_THREAD:
        run_job(job.pk)
        return
    threading.Thread(target=_run_in_thread, args=(job.pk,), name=f"import-{job.pk}", daemon=True).start()


def run_job(job_id: int) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    importing.execute(job, scope_of(job.user), source="import")
    if not job.dry_run:  # the upload holds personal data: keep it only while a confirmation may need it
        Path(job.path).unlink(missing_ok=True)


def _run_in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
    finally:
        connection.close()  # the thread's own connection; Django only closes request threads' ones


def _with_poll_url(job):
    job.poll_url = reverse("core:import_detail", args=[job.pk])
    return job


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件"))
    school_year = forms.TypedChoiceField(label=gettext_lazy("学年"), coerce=int, required=False)
    mode = forms.ChoiceField(
        label=gettext_lazy("方式"),
        choices=[
            ("check", gettext_lazy("先校验，确认无误后再导入（推荐）")),
            ("import", gettext_lazy("直接导入（有任何错误则不写入）")),
        ],
        initial="check",
        widget=forms.RadioSelect,
    )

    def __init__(self, cls, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _(
            "导入模板格式的 .xlsx、.xls 或 .csv（UTF-8 或 GBK 编码）文件，不超过 %(limit)s MB。"
        ) % {"limit": limit}
        years = cls.school_years()
        if years is None:
            del self.fields["school_year"]
        else:
            self.fields["school_year"].choices = years
            self.fields["school_year"].help_text = _("班级、学生按学年编班。")
        for name, label in cls.flags:
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("只支持 .xlsx、.xls 和 .csv 文件。"))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            limit = settings.IMPORT_MAX_UPLOAD_BYTES / (1024 * 1024)
            raise forms.ValidationError(
                _("文件大小 %(size).1f MB 超过上限 %(limit)g MB。")
                % {"size": upload.size / (1024 * 1024), "limit": limit}
            )
        return upload


def store_upload(upload) -> Path:
    """Keep the upload under var/imports/ with a random name (the user's name is only shown)."""
    path = importing.imports_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


class ImportListView(LoginRequiredMixin, View):
    def get(self, request):
        page = Paginator(visible_jobs(request.user), 50).get_page(request.GET.get("page"))
        labels = {cls.kind: cls.label for cls in importing.importers()}
        for job in page:
            importing.fail_if_orphaned(job)
            job.kind_label = labels.get(job.kind, job.kind)
        scope = scope_of(request.user)
        kinds = [cls for cls in importing.importers() if scope.allows(cls.module, IMPORT)]
        return render(request, "core/import_list.html", {
            "title": _("Imports"), "page_obj": page, "kinds": kinds, "show_user": is_admin(request.user),
            "breadcrumbs": [(_("Imports"), None)],
        })  # fmt: skip


class ImportNewView(LoginRequiredMixin, View):
    def get(self, request, kind):
        cls = _importer(kind)
        _need_import_right(request.user, cls)
        if request.GET.get("template"):  # the list pages' "import template" link
            return template_response(cls)
        return self.render(request, cls, ImportForm(cls, initial={"school_year": cls.current_school_year()}))

    def post(self, request, kind):
        cls = _importer(kind)
        _need_import_right(request.user, cls)
        form = ImportForm(cls, request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, cls, form)
        importing.purge_expired_files()  # each new import clears the files of old ones
        data = form.cleaned_data
        options = {name: bool(data.get(name)) for name, _label in cls.flags}
        if "school_year" in data:
            options["school_year"] = data["school_year"]
        job = ImportJob.objects.create(
            kind=kind, user=request.user, filename=Path(data["file"].name).name[:255], path=str(store_upload(data["file"])),
            dry_run=data["mode"] == "check", valid_only=False, options=options,
        )  # fmt: skip
        start(job)
        return redirect("core:import_detail", job.pk)

    def render(self, request, cls, form):
        title = _("Import %(what)s") % {"what": cls.label}
        return render(request, "core/import_new.html", {
            "title": title, "form": form, "importer": cls,
            "breadcrumbs": [(_("Imports"), reverse("core:import_list")), (title, None)],
        })  # fmt: skip


class ImportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = _with_poll_url(get_object_or_404(visible_jobs(request.user), pk=pk))
        importing.fail_if_orphaned(job)
        if request.headers.get("HX-Request"):
            if job.is_active:
                return render(request, "includes/progress.html", {"job": job})
            response = HttpResponse("")
            response["HX-Refresh"] = "true"  # finished: reload the page to show the result
            return response
        cls = _importer(job.kind)
        valid = job.total_rows - job.error_count
        checked = (job.status == ImportJob.Status.CHECKED and job.user_id == request.user.pk
                   and not job.options.get("confirmed") and not importing.expired(job))  # fmt: skip
        expired = ""
        if importing.expired(job):
            expired = _("上传的文件和错误报告只保留 %(hours)s 小时，已删除；如需再次校验或导入，请重新上传文件。")
            expired %= {"hours": settings.IMPORT_FILE_RETENTION_HOURS}
        title = _("Import %(what)s") % {"what": cls.label}
        return render(request, "core/import_detail.html", {
            "title": title, "job": job, "importer": cls, "expired": expired,
            "errors": job.errors[:SHOWN_ERRORS], "more_errors": len(job.errors) > SHOWN_ERRORS,
            "warnings": job.options.get("warnings", [])[:SHOWN_ERRORS], "notes": job.options.get("notes", []),
            "can_confirm": checked and not job.error_count and (job.created_count or job.updated_count),
            "can_import_valid": checked and job.error_count and valid > 0 and (job.created_count or job.updated_count),
            "changes_url": reverse("core:change_list") + f"?request_id={job.options['request_id']}"
            if job.status == ImportJob.Status.DONE and "request_id" in job.options and scope_of(request.user).allows("audit")
            else None,
            "breadcrumbs": [(_("Imports"), reverse("core:import_list")), (f"{title} #{job.pk}", None)],
        })  # fmt: skip


class ImportConfirmView(LoginRequiredMixin, View):
    """Re-run a checked job's file as a real import: all rows, or explicitly only the valid ones."""

    def post(self, request, pk):
        checked = get_object_or_404(ImportJob, pk=pk, user=request.user, status=ImportJob.Status.CHECKED)
        cls = _importer(checked.kind)
        _need_import_right(request.user, cls)
        if checked.options.get("confirmed"):  # a second click: show the import already started
            return redirect("core:import_detail", checked.options["confirmed"])
        importing.purge_expired_files()
        checked.refresh_from_db()
        if importing.expired(checked):  # the page says so
            return redirect("core:import_detail", checked.pk)
        if not Path(checked.path).is_file():
            raise Http404(_("The uploaded file is no longer there; please upload it again."))
        options = {k: v for k, v in checked.options.items() if k not in ("warnings", "notes", "owner")}
        job = ImportJob.objects.create(
            kind=checked.kind, user=request.user, filename=checked.filename, path=checked.path, dry_run=False,
            valid_only=request.POST.get("mode") == "valid_only", options=options,
        )  # fmt: skip
        checked.options = {**checked.options, "confirmed": job.pk}
        checked.save(update_fields=["options"])
        start(job)
        return redirect("core:import_detail", job.pk)


class ImportErrorsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(visible_jobs(request.user), pk=pk)
        if importing.expired(job):
            raise Http404(_("错误报告已超过保留期限，已删除。"))
        if not job.error_report or not Path(job.error_report).is_file():
            raise Http404(_("This import has no error report."))
        name = f"{Path(job.filename).stem}-错误报告.xlsx"
        # The report repeats the uploaded rows unmasked, so its download is an export to account for.
        log_access(request, AccessRecord.Kind.EXPORT, f"导入错误报告：{job.filename}", job.error_count, unmasked=True)
        return FileResponse(open(job.error_report, "rb"), as_attachment=True, filename=name, content_type=XLSX)


class ImportTemplateView(LoginRequiredMixin, View):
    def get(self, request, kind):
        return template_response(_importer(kind))


def template_response(cls):
    buffer = io.BytesIO()
    importing.write_template(cls, buffer)
    buffer.seek(0)
    with translation.override(settings.LANGUAGE_CODE):  # the file is Chinese, so is its name
        name = f"{cls.label}导入模板.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)
