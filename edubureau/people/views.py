"""Pages of the people registry: thin subclasses of the core generic views; rules live in services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from edubureau.accounts.roles import Role
from edubureau.core import changelog, idcodes
from edubureau.core.masking import detail_rows, log_unmask, mask, unmask_requested
from edubureau.core.scope import ADD, CHANGE, DELETE, VIEW, scope_of
from edubureau.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
)

from . import calendar, services
from .filtersets import (
    CalendarDayFilterSet,
    PostingFilterSet,
    SchoolClassFilterSet,
    SchoolYearFilterSet,
    StaffFilterSet,
    StudentFilterSet,
    with_class_size,
)
from .forms import (
    CalendarDayForm,
    GraduationForm,
    MergeForm,
    PostingForm,
    SchoolClassForm,
    SchoolYearForm,
    StaffForm,
    StatusChangeForm,
    StudentForm,
    TermForm,
    class_choices,
    save_guardians,
)
from .models import (
    GRADE_LABELS,
    CalendarDay,
    Posting,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffStatus,
    Student,
    StudentStatus,
    Term,
)
from .tables import (
    CALENDAR_DAY_COLUMNS,
    CLASS_COLUMNS,
    POSTING_COLUMNS,
    SCHOOL_YEAR_COLUMNS,
    STAFF_COLUMNS,
    STUDENT_COLUMNS,
)

DUPLICATE_MESSAGE = gettext_lazy(
    "保存失败：证件号码或学籍号与已有记录重复（可能刚被他人登记）。请核对后重试。"
)


def refuse_unless_allowed(view, action):
    """403 when the user's role may not do this at all; an object outside the scope stays a 404."""
    if not view.module_allows(action):
        raise PermissionDenied(_("您没有该操作的权限。"))


class PeopleEditView(ObjectEditView):
    """The generic edit view with the user handed to the form (the forms narrow their own choices)."""

    def get_object(self, pk):
        refuse_unless_allowed(self, ADD if pk is None else CHANGE)
        return super().get_object(pk)

    def get_form(self, obj, data=None):
        masking = self.masking_kwargs(self.form_class)
        return self.form_class(data, instance=obj, user=self.request.user, **masking)

    def post(self, request, pk=None):
        try:
            return super().post(request, pk)
        except IntegrityError:
            # Two people saving the same ID number at once: the database refuses the second.
            obj = self.get_object(pk)
            form = self.get_form(obj, request.POST)
            form.is_valid()
            form.add_error(None, DUPLICATE_MESSAGE)
            return self.render_form(obj, form)


# ---------------------------------------------------------------- classes


class ClassListView(ObjectListView):
    model = SchoolClass
    filterset_class = SchoolClassFilterSet
    columns = CLASS_COLUMNS
    select_related = ("school", "school_year", "head_teacher")
    add_url_name = "people:class_add"
    import_url_name = "core:import_new_classes"
    template_name = "people/class_list.html"

    def get_queryset(self, action=None):
        return with_class_size(super().get_queryset(action))


class ClassDetailView(ObjectDetailView):
    model = SchoolClass
    template_name = "people/class_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school", "school_year", "head_teacher", "campus")

    def list_url(self):
        return reverse("people:class_list")

    def extra_context(self, obj, unmasked):
        students = list(obj.students.order_by("status", "name"))
        studying = sum(1 for s in students if s.status == StudentStatus.STUDYING)
        rows = [(s, mask(s.student_no, "id_number", unmasked)) for s in students]
        return {
            "students": rows,
            "studying": studying,
            "over_capacity": bool(obj.capacity and studying > obj.capacity),
            "can_see_students": scope_of(self.request.user).allows("students", VIEW),
        }


class ClassEditView(PeopleEditView):
    model = SchoolClass
    form_class = SchoolClassForm


# ---------------------------------------------------------------- students


class StudentListView(ObjectListView):
    model = Student
    filterset_class = StudentFilterSet
    columns = STUDENT_COLUMNS
    select_related = ("school", "school_class")
    add_url_name = "people:student_add"
    import_url_name = "core:import_new_students"
    export_name = "学生学籍"
    template_name = "people/student_list.html"

    def base_context(self, **extra):
        return super().base_context(can_graduate=may_graduate(self.request.user), **extra)


class StudentDetailView(ObjectDetailView):
    model = Student
    template_name = "people/student_detail.html"
    FIELDS = (
        "gender", "birth_date", "id_type", "id_number", "no_id_reason", "student_no", "ethnicity", "hukou_type",
        "hukou_region", "address", "is_migrant", "enrolled_on",
    )  # fmt: skip

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school", "school_class__school_year")

    def list_url(self):
        return reverse("people:student_list")

    def extra_context(self, obj, unmasked):
        user = self.request.user
        guardians = [
            (g, g.name if unmasked else idcodes.mask_name(g.name), mask(g.phone, "phone", unmasked))
            for g in obj.guardians.all()
        ]
        may_change = Student.objects.for_user(user, CHANGE).filter(pk=obj.pk).exists()
        open_status = obj.status in (StudentStatus.STUDYING, StudentStatus.SUSPENDED)
        return {
            "fields": detail_rows(obj, self.FIELDS, unmasked),
            "guardians": guardians,
            "enrollments": obj.enrollments.select_related("school_year", "school", "school_class"),
            "changes": obj.changes.select_related("from_school", "to_school", "from_class", "to_class"),
            "status_form": StatusChangeForm(student=obj, user=user) if may_change and open_status else None,
            "may_change": may_change,
            "may_delete": Student.objects.for_user(user, DELETE).filter(pk=obj.pk).exists(),
        }


class StudentEditView(PeopleEditView):
    model = Student
    form_class = StudentForm
    template_name = "people/student_form.html"

    def save(self, form, creating, before):
        # Guardians in the same transaction as the student (ObjectEditView.post wraps save).
        if creating:
            student = services.enrol_student(form.save(commit=False))
        else:
            student = super().save(form, creating, before)
        save_guardians(student, form.guardians)
        return student


class StudentDeleteView(ObjectDeleteView):
    model = Student
    success_url_name = "people:student_list"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refuse_unless_allowed(self, DELETE)
        return super().dispatch(request, *args, **kwargs)


class StudentStatusView(ScopedMixin, View):
    """学籍异动: the form on the student page posts here; the rules are in people.services."""

    model = Student
    action = CHANGE
    template_name = "people/student_status.html"

    def get_student(self, pk):
        refuse_unless_allowed(self, CHANGE)
        return get_object_or_404(self.get_queryset(CHANGE).select_related("school", "school_class"), pk=pk)

    def get(self, request, pk):
        student = self.get_student(pk)
        return self.render_form(student, StatusChangeForm(student=student, user=request.user))

    def post(self, request, pk):
        student = self.get_student(pk)
        form = StatusChangeForm(request.POST, student=student, user=request.user)
        if not form.is_valid():
            return self.render_form(student, form)
        data = form.cleaned_data
        action, date, reason, to_class = data["action"], data["date"], data["reason"], data["to_class"]
        try:
            if action == "transfer":
                student = services.transfer_student(student, data["to_school"], to_class, date, reason)
            elif action == "change_class":
                student = services.change_class(student, to_class, date, reason)
            elif action == "repeat":
                student = services.repeat_grade(student, to_class, date, reason)
            elif action == "suspend":
                student = services.suspend_student(student, date, reason)
            elif action == "resume":
                student = services.resume_student(student, date, reason, to_class)
            else:
                student = services.register_death(student, date, reason)
        except ValidationError as e:
            for message in e.messages:
                form.add_error(None, message)
            return self.render_form(student, form)
        label = dict(StatusChangeForm.ACTIONS)[action]
        if Student.objects.for_user(request.user).filter(pk=student.pk).exists():
            messages.success(
                request, _("已办理%(action)s：%(name)s") % {"action": label, "name": student.name}
            )
            return redirect(student.get_absolute_url())
        messages.success(
            request,
            _("已办理%(action)s：%(name)s已转入%(school)s，不再在您的管理范围内。")
            % {"action": label, "name": student.name, "school": student.school},
        )
        return redirect("people:student_list")

    def render_form(self, student, form):
        context = self.base_context(
            object=student, form=form, title=_("学籍异动：%(name)s") % {"name": student.name},
            breadcrumbs=[(_("学生"), reverse("people:student_list")), (student.name, student.get_absolute_url()), (_("学籍异动"), None)],
        )  # fmt: skip
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- staff


class StaffListView(ObjectListView):
    model = Staff
    filterset_class = StaffFilterSet
    columns = STAFF_COLUMNS
    select_related = ("school",)
    add_url_name = "people:staff_add"
    import_url_name = "core:import_new_staff"
    export_name = "教职工"


class StaffDetailView(ObjectDetailView):
    model = Staff
    template_name = "people/staff_detail.html"
    FIELDS = (
        "gender", "birth_date", "id_type", "id_number", "post_type", "subjects", "title", "education", "employment",
        "hire_date", "phone",
    )  # fmt: skip

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school")

    def list_url(self):
        return reverse("people:staff_list")

    def extra_context(self, obj, unmasked):
        user = self.request.user
        may_change = Staff.objects.for_user(user, CHANGE).filter(pk=obj.pk).exists()
        allows = scope_of(user).allows
        return {
            "fields": detail_rows(obj, self.FIELDS, unmasked),
            "postings": obj.postings.select_related("to_school"),
            # Postings are part of the staff record: their buttons follow the staff change right.
            "may_add_posting": may_change and allows("staff", ADD),
            "may_change_posting": may_change,
            "may_delete_posting": may_change and allows("staff", DELETE),
            "head_of": obj.head_of.select_related("school", "school_year").order_by(
                "-school_year__start_year"
            ),
        }


class StaffEditView(PeopleEditView):
    model = Staff
    form_class = StaffForm


# ---------------------------------------------------------------- postings (交流轮岗 / 支教 / 挂职)


class PostingListView(ObjectListView):
    model = Posting
    filterset_class = PostingFilterSet
    columns = POSTING_COLUMNS
    select_related = ("staff__school", "to_school")
    export_name = "交流支教"


class PostingEditView(PeopleEditView):
    """Add (?staff=<id> from the staff page) or edit a posting; the rules are in Posting.clean."""

    model = Posting
    form_class = PostingForm

    def get_object(self, pk):
        posting = super().get_object(pk)
        if pk is None:
            wanted = self.request.GET.get("staff", "")
            staff = Staff.objects.for_user(self.request.user, CHANGE).select_related("school")
            posting.staff = get_object_or_404(staff, pk=int(wanted) if wanted.isdigit() else None)
        return posting

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("staff__school", "to_school")

    def save(self, form, creating, before):
        form.instance.lock_staff()
        form.instance.full_clean()  # again under the lock: an overlapping posting saved meanwhile
        return super().save(form, creating, before)

    def post(self, request, pk=None):
        try:
            return super().post(request, pk)
        except ValidationError:
            # Lost a race with an overlapping posting: the form now shows why.
            obj = self.get_object(pk)
            form = self.get_form(obj, request.POST)
            form.is_valid()
            return self.render_form(obj, form)

    def render_form(self, obj, form, status=200):
        staff = obj.staff
        template = _("编辑交流支教：%(name)s") if obj.pk else _("新增交流支教：%(name)s")
        title = template % {"name": staff.name}
        context = self.base_context(
            object=obj, form=form, title=title,
            breadcrumbs=[(_("教职工"), reverse("people:staff_list")), (staff.name, staff.get_absolute_url()), (title, None)],
        )  # fmt: skip
        return render(self.request, self.template_name, context, status=status)


class PostingDeleteView(ObjectDeleteView):
    model = Posting

    def post(self, request, pk):
        posting = self.get_object(pk)
        staff_url = posting.get_absolute_url()
        with transaction.atomic():
            changelog.delete(posting)
        messages.success(request, _("已删除交流支教：%(posting)s") % {"posting": posting})
        return redirect(staff_url)


# ---------------------------------------------------------------- graduation


def may_graduate(user) -> bool:
    """毕业 is for district-level users and school administrators with the students change right
    (not for a school's clerks)."""
    scope = scope_of(user)
    return scope.allows("students", CHANGE) and (scope.all_units or user.role == Role.SCHOOL_ADMIN)


class GraduationView(LoginRequiredMixin, View):
    """毕业: choose year, school and grades; the first POST previews the count, the second
    (confirm=1) graduates them through people.services (StatusChange rows, change log)."""

    template_name = "people/graduate.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_graduate(request.user):
            raise PermissionDenied(_("只有教育局层面或学校管理员（有学生修改权限）可以办理毕业。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render_page(GraduationForm(user=request.user))

    def post(self, request):
        form = GraduationForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(form)
        students = form.students()
        data = form.cleaned_data
        what = f"{data['school']} {data['school_year']} {'、'.join(GRADE_LABELS[g] for g in sorted(data['grades']))}"
        if request.POST.get("confirm") != "1":
            # The confirm button resends exactly what was previewed (hidden inputs, no duplicate ids).
            carried = [(name, value) for name in form.fields for value in request.POST.getlist(name)]
            return self.render_page(form, preview=students.count(), what=what, carried=carried)
        with transaction.atomic():
            count = services.graduate_students(students, data["date"], "毕业")
        if not count:
            messages.warning(request, _("%(what)s没有在读学生，未办理毕业。") % {"what": what})
            return self.render_page(form)
        messages.success(
            request, _("已办理毕业：%(what)s共 %(count)s 名学生。") % {"what": what, "count": count}
        )
        return redirect(reverse("people:student_list") + f"?school={data['school'].code}&status=毕业")

    def render_page(self, form, preview=None, what="", carried=()):
        context = {
            "title": _("毕业"), "form": form, "preview": preview, "what": what, "carried": carried,
            "breadcrumbs": [(_("学生学籍"), reverse("people:student_list")), (_("毕业"), None)],
        }  # fmt: skip
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- school years and the calendar


class SchoolYearListView(ObjectListView):
    model = SchoolYear
    filterset_class = SchoolYearFilterSet
    columns = SCHOOL_YEAR_COLUMNS
    add_url_name = "people:schoolyear_add"


class SchoolYearDetailView(ObjectDetailView):
    model = SchoolYear
    template_name = "people/schoolyear_detail.html"

    def list_url(self):
        return reverse("people:schoolyear_list")

    def extra_context(self, obj, unmasked):
        terms = list(obj.terms.all())
        days = CalendarDay.objects.filter(date__range=(obj.start_date, obj.end_date))
        return {
            "terms": [(t, len(calendar.school_days(t.start_date, t.end_date))) for t in terms],
            "days": days,
        }


class SchoolYearEditView(PeopleEditView):
    model = SchoolYear
    form_class = SchoolYearForm

    def save(self, form, creating, before):
        if form.cleaned_data.get("is_current"):
            # Only one current year: clear the old one first (logged like any edit).
            for old in SchoolYear.objects.filter(is_current=True).exclude(pk=form.instance.pk):
                old_before = changelog.snapshot(old)
                old.is_current = False
                old.save()
                changelog.log_update(old, old_before)
        return super().save(form, creating, before)


class TermEditView(PeopleEditView):
    model = Term
    form_class = TermForm

    def get_object(self, pk, action=None):
        obj = super().get_object(pk)
        wanted = self.request.GET.get("school_year", "")
        if pk is None and wanted.isdigit():
            obj.school_year = SchoolYear.objects.filter(pk=wanted).first()
        return obj


class CalendarDayListView(ObjectListView):
    model = CalendarDay
    filterset_class = CalendarDayFilterSet
    columns = CALENDAR_DAY_COLUMNS
    add_url_name = "people:calendarday_add"


class CalendarDayEditView(PeopleEditView):
    model = CalendarDay
    form_class = CalendarDayForm


# ---------------------------------------------------------------- duplicates


class DuplicateView(LoginRequiredMixin, View):
    """重复数据: candidates from people.services, merged with one button. District-level users only."""

    template_name = "people/duplicates.html"
    KINDS = {"students": (Student, services.STUDENT_RELATED, services.merge_students),
             "staff": (Staff, services.STAFF_RELATED, services.merge_staff)}  # fmt: skip
    PER_PAGE = 20

    def allowed(self, kind):
        scope = scope_of(self.request.user)
        return scope.bureau_may(self.KINDS[kind][0].scope_module, CHANGE)

    def get(self, request):
        kinds = [k for k in self.KINDS if self.allowed(k)]
        if not kinds:
            raise PermissionDenied(_("只有教育局层面有学生或教职工修改权限的用户可以处理重复数据。"))
        kind = request.GET.get("kind") if request.GET.get("kind") in kinds else kinds[0]
        model, related, _merge = self.KINDS[kind]
        unmasked = unmask_requested(request)
        candidates = services.duplicate_id_groups(model.objects.for_user(request.user, CHANGE))
        page = Paginator(candidates, self.PER_PAGE).get_page(request.GET.get("page"))
        services.load_members(page.object_list, model, related)  # only this page's rows
        groups = [
            (g, [(m, mask(m.id_number, "id_number", unmasked)) for m in g.members], ",".join(map(str, g.ids)))
            for g in page
        ]
        if unmasked:
            log_unmask(request, f"重复数据：{model._meta.verbose_name}", len(groups))
        context = {
            "title": _("重复数据"), "kind": kind, "groups": groups, "page_obj": page,
            "tabs": [(k, self.KINDS[k][0]._meta.verbose_name) for k in kinds],
            "breadcrumbs": [(_("重复数据"), None)], "can_unmask": scope_of(request.user).can_unmask, "unmasked": unmasked,
        }  # fmt: skip
        return render(request, self.template_name, context)

    def post(self, request):
        form = MergeForm(request.POST)
        if not form.is_valid():
            for message in form.non_field_errors() or [_("请求无效，请返回重试。")]:
                messages.error(request, message)
            return redirect("people:duplicates")
        kind = form.cleaned_data["kind"]
        if not self.allowed(kind):
            raise PermissionDenied(_("您没有合并该数据的权限。"))
        model, _related, merge = self.KINDS[kind]
        rows = model.objects.for_user(request.user, CHANGE).in_bulk(
            [form.cleaned_data["keep"], *form.cleaned_data["remove"]]
        )
        if len(rows) != 1 + len(form.cleaned_data["remove"]):
            raise Http404(_("记录不存在或已被合并。"))
        keep = rows[form.cleaned_data["keep"]]
        try:
            for pk in form.cleaned_data["remove"]:
                keep = merge(keep, rows[pk])
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return redirect("people:duplicates")
        messages.success(
            request,
            _("已合并 %(count)s 条重复记录到“%(keep)s”（编号 %(pk)s）。")
            % {"count": len(form.cleaned_data["remove"]), "keep": keep, "pk": keep.pk},
        )
        return redirect(reverse("people:duplicates") + f"?kind={kind}")


# ---------------------------------------------------------------- HTMX option lists


def _school_param(request):
    for name in ("school", "to_school", "fallback"):
        value = request.GET.get(name, "")
        if value.isdigit():
            return int(value)
    return None


def class_options(request):
    """<option>s of the current year's classes of ?school= (the student and status forms)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    school_id = _school_param(request)
    classes = class_choices(request.user, [school_id]) if school_id else SchoolClass.objects.none()
    options = [(c.pk, c.name) for c in classes]
    return render(request, "people/includes/options.html", {"options": options})


def staff_options(request):
    """<option>s of the active staff of ?school= (班主任 on the class form)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    school_id = _school_param(request)
    staff = (
        Staff.objects.for_user(request.user).filter(school_id=school_id, status=StaffStatus.ACTIVE)
        if school_id
        else []
    )
    return render(request, "people/includes/options.html", {"options": [(s.pk, s.name) for s in staff]})
