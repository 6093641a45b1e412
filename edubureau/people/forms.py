"""Forms of the people registry. The identity rule (ID numbers, birth date and gender agreeing, 学籍号)
is people.identity's and a guardian row's people.services.check_guardian: the forms only put their
errors on the fields."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edubureau.core import idcodes
from edubureau.core.masking import MaskedFormMixin
from edubureau.core.scope import CHANGE, VIEW, scope_of
from edubureau.core.widgets import DateInput
from edubureau.org.models import STAGE_GRADES, Campus, School, SchoolStatus, Stage

from . import identity, services
from .models import (
    GRADE_CHOICES,
    CalendarDay,
    Guardian,
    Honour,
    IdType,
    Posting,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    StudentStatus,
    Term,
)

DATE = DateInput()


def schools_for(user, include=None):
    """Open schools the user works on (plus `include`, the object's current school)."""
    schools = scope_of(user).in_units(School.objects.all())
    condition = Q(status=SchoolStatus.OPEN)
    if include:
        condition |= Q(pk=include)
    return schools.filter(condition)


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return (
            f"{obj.name}（{obj.school_year.start_year}学年）" if not obj.school_year.is_current else obj.name
        )


def class_choices(user, school_ids, also=None):
    """The current year's classes of the given schools that the user sees (plus `also`)."""
    classes = SchoolClass.objects.for_user(user, VIEW).select_related("school_year")
    condition = Q(school_id__in=[s for s in school_ids if s], school_year__is_current=True)
    if also:
        condition |= Q(pk=also)
    return classes.filter(condition).order_by("grade", "class_no")


def _bound_id(form, name, fallback=None):
    """The id chosen in a (possibly bound) select, before validation; None if not a number."""
    value = form.data.get(form.add_prefix(name)) if form.is_bound else None
    if value in (None, ""):
        return fallback
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _hx_options(url_name, target, fallback=None):
    """Reload the options of `target` (another select) when this select changes (HTMX, no inline JS).
    `fallback`: the school whose options to show when this select is emptied."""
    attrs = {
        "hx-get": reverse(url_name),
        "hx-target": f"#id_{target}",
        "hx-trigger": "change",
        "hx-swap": "innerHTML",
    }
    if fallback:
        attrs["hx-vals"] = f'{{"fallback": {int(fallback)}}}'
    return attrs


class IdentityMixin:
    """Shared by the student and staff forms: people.identity's rules, their errors on the fields. A
    masked ID number or 学籍号 left unchanged (MaskedFormMixin) arrives here as the stored value."""

    def clean_identity(self, cleaned) -> bool:
        """Check and normalise id_number (and no_id_reason); False when the ID number is refused."""
        id_type, number = cleaned.get("id_type"), cleaned.get("id_number")
        if id_type is None:
            return False  # the type's own error
        if id_type == IdType.NONE and "id_number" in self.kept:
            number = ""  # switched to 无证件 with the masked number left as it was: the number goes
        reason = cleaned.get("no_id_reason") if "no_id_reason" in self.fields else None
        checked = identity.check_identity(
            id_type, number, cleaned.get("birth_date"), cleaned.get("gender"),
            allow_15=cleaned.get("convert_15", False), no_id_reason=reason,
        )  # fmt: skip
        self.add_errors(checked.errors)
        if "id_number" in checked.errors:
            return False
        cleaned["id_number"] = checked.number
        if reason is not None:
            cleaned["no_id_reason"] = checked.no_id_reason
        return True

    def check_unique_number(self, cleaned):
        """The ID number (and 学籍号) must be no other record's (people.identity.number_taken)."""
        key = {name: cleaned.get(name) for name in ("id_type", "id_number", "student_no") if name in self.fields}  # fmt: skip
        self.add_errors(identity.number_taken(self._meta.model, self.user, exclude=self.instance.pk, **key))

    def add_errors(self, errors: dict):
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)


class StudentForm(IdentityMixin, MaskedFormMixin, forms.ModelForm):
    convert_15 = forms.BooleanField(
        label=_("15 位旧身份证号"), required=False, help_text=_("勾选后把 15 位旧号码转换为 18 位保存")
    )

    class Meta:
        model = Student
        fields = [
            "name", "gender", "birth_date", "id_type", "id_number", "convert_15", "no_id_reason", "student_no",
            "ethnicity", "hukou_type", "hukou_region", "address", "is_migrant", "school", "school_class",
            "enrolled_on",
        ]  # fmt: skip
        field_classes = {"school_class": ClassChoiceField}
        widgets = {"birth_date": DATE, "enrolled_on": DATE}

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.guardians = guardian_formset(self.instance, data, unmasked=self.unmasked)
        if self.instance.pk:
            # School and class change only through 学籍异动 (transfer, 调班), which keep the history.
            del self.fields["school"], self.fields["school_class"]
            return
        schools = schools_for(user)
        self.fields["school"].queryset = schools
        own = None if scope_of(user).all_units else schools.values_list("pk", flat=True).first()
        if own:
            self.initial.setdefault("school", own)  # a school's own user: its school, its classes
        school_id = _bound_id(self, "school", own)
        self.fields["school_class"].queryset = class_choices(user, [school_id])
        self.fields["school_class"].help_text = _("本学年的班级；请先选择学校")
        self.fields["school"].widget.attrs.update(_hx_options("people:class_options", "school_class"))

    def is_valid(self):
        valid = super().is_valid()
        return (self.guardians.is_valid() if self.guardians.is_bound else True) and valid

    @property
    def has_sensitive(self):
        return bool(self.stored) or any(g.has_sensitive for g in self.guardians.forms)

    def clean_hukou_region(self):
        value = self.cleaned_data["hukou_region"]
        try:
            return idcodes.validate_region_code(value) if value else value
        except idcodes.CodeError as e:
            raise forms.ValidationError(identity.sentence(e)) from e

    def clean(self):
        cleaned = super().clean()
        id_valid = self.clean_identity(cleaned)
        student_no, errors = identity.check_student_no(
            cleaned.get("student_no"), cleaned.get("id_type"), cleaned.get("id_number"), cleaned.get("birth_date"),
            id_valid=id_valid,
        )  # fmt: skip
        self.add_errors(errors)
        no_valid = "student_no" not in self.errors
        if no_valid:
            cleaned["student_no"] = student_no
        self.check_unique_number({**cleaned, "id_number": cleaned["id_number"] if id_valid else "",
                                  "student_no": student_no if no_valid else ""})  # fmt: skip
        school, school_class = cleaned.get("school"), cleaned.get("school_class")
        if school and school_class and school_class.school_id != school.pk:
            self.add_error("school_class", f"{school_class.name}不是{school}的班级，请重新选择。")
        return cleaned


class GuardianForm(MaskedFormMixin, forms.ModelForm):
    """One 监护人 row of the student form. Unless the form is unmasked, the stored phone never reaches the
    input: it stays empty (the masked value as placeholder) and an empty input keeps the stored phone."""

    class Meta:
        model = Guardian
        fields = ["name", "relation", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_phone = self.instance.phone if self.instance.pk else None  # before validation writes on it
        self.fields["relation"].required = False  # checked in clean(), with a message naming the row
        self.fields["name"].error_messages["required"] = "请填写监护人姓名；不需要的行请清空或勾选删除。"
        # The masked stored phone when there is one (MaskedFormMixin), else an example.
        self.fields["phone"].widget.attrs.setdefault("placeholder", "如 13812345678 或 021-64123456")

    def clean(self):
        cleaned = super().clean()
        row = self.row()
        for name, message in services.check_guardian(row, self.stored_phone).items():
            if name not in self.errors:
                self.add_error(name, message)
        cleaned.update(name=row.name, relation=row.relation, phone=row.phone)
        return cleaned

    def row(self, delete=False) -> services.GuardianInput:
        data = self.cleaned_data
        return services.GuardianInput(
            name=data.get("name") or "", relation=data.get("relation") or "", phone=data.get("phone") or "",
            id=self.instance.pk, delete=delete,
        )  # fmt: skip


def guardian_formset(student, data, unmasked=False):
    """The student's own guardians (the student is already scoped) plus empty rows: 2 on add, 1 on edit.
    Unbound when the post carries no guardian rows (an older form, a script): guardians stay as they are.
    Phones masked unless `unmasked` (MaskedFormMixin)."""
    formset_class = forms.inlineformset_factory(
        Student, Guardian, form=GuardianForm, extra=1 if student.pk else 2, can_delete=True, max_num=10
    )
    if data is not None and "guardians-TOTAL_FORMS" not in data:
        data = None
    return formset_class(
        data,
        instance=student,
        prefix="guardians",
        form_kwargs={"unmasked": unmasked},
    )


def save_guardians(student, formset):
    """The guardian rows through people.services.save_guardians (inside the view's transaction, with the
    student): the student's guardians as rows, the ones marked 删除 as deletions, empty rows left out.
    An unbound formset (the post had no guardian rows) leaves the guardians as they are."""
    if not formset.is_bound:
        return
    rows = []
    for form in formset.forms:
        if formset._should_delete_form(form):
            if form.instance.pk:
                rows.append(form.row(delete=True))
        elif form.instance.pk or (form.has_changed() and form.cleaned_data.get("name")):
            rows.append(form.row())
    services.save_guardians(student, rows, replace=False)


class StaffForm(IdentityMixin, MaskedFormMixin, forms.ModelForm):
    convert_15 = forms.BooleanField(
        label=_("15 位旧身份证号"), required=False, help_text=_("勾选后把 15 位旧号码转换为 18 位保存")
    )
    honours = forms.MultipleChoiceField(
        label=_("荣誉称号"), choices=Honour.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Staff
        fields = [
            "name", "gender", "birth_date", "id_type", "id_number", "convert_15", "school", "post_type", "subjects",
            "title", "education", "honours", "employment", "hire_date", "phone", "status",
        ]  # fmt: skip
        widgets = {"birth_date": DATE, "hire_date": DATE}

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["school"].queryset = schools_for(user, include=self.instance.school_id)
        self.initial["honours"] = self.instance.honour_list

    def clean_honours(self):
        return "、".join(self.cleaned_data["honours"])

    def clean_phone(self):
        value = "".join(self.cleaned_data["phone"].split())
        if value and not all(c.isdigit() or c == "-" for c in value):
            raise forms.ValidationError("联系电话只能包含数字和“-”。")
        return value

    def clean(self):
        cleaned = super().clean()
        if self.clean_identity(cleaned):
            self.check_unique_number(cleaned)
        return cleaned


class SchoolClassForm(forms.ModelForm):
    class Meta:
        model = SchoolClass
        fields = ["school", "campus", "school_year", "grade", "class_no", "head_teacher", "capacity"]

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        schools = schools_for(user, include=self.instance.school_id)
        self.fields["school"].queryset = schools
        own = None if scope_of(user).all_units else schools.values_list("pk", flat=True).first()
        if own:
            self.initial.setdefault("school", own)
        school_id = _bound_id(self, "school", self.instance.school_id or own)
        self.fields["campus"].queryset = Campus.objects.filter(school_id=school_id)
        self.fields["head_teacher"].queryset = Staff.objects.for_user(user, VIEW).filter(
            Q(school_id=school_id, status="在职") | Q(pk=self.instance.head_teacher_id)
        )
        self.fields["head_teacher"].help_text = _("本校在职教职工；请先选择学校")
        self.fields["school"].widget.attrs.update(_hx_options("people:staff_options", "head_teacher"))
        if not self.instance.pk:
            self.initial.setdefault(
                "school_year", SchoolYear.objects.filter(is_current=True).values_list("pk", flat=True).first()
            )

    def clean(self):
        cleaned = super().clean()
        school, grade = cleaned.get("school"), cleaned.get("grade")
        if school and grade is not None and school.grades and grade not in school.grades:
            self.add_error(
                "grade",
                f"{school}（{school.get_stage_display()}）不开设{dict(self.fields['grade'].choices)[grade]}。",
            )
        for name in ("campus", "head_teacher"):
            other = cleaned.get(name)
            if school and other and other.school_id != school.pk:
                self.add_error(name, f"所选{self.fields[name].label}不属于{school}。")
        return cleaned


class SchoolYearForm(forms.ModelForm):
    class Meta:
        model = SchoolYear
        fields = ["start_year", "start_date", "end_date", "is_current"]
        widgets = {"start_date": DATE, "end_date": DATE}
        help_texts = {"is_current": _("设为当前学年后，原当前学年自动取消")}

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)

    def _get_validation_exclusions(self):
        # Saving a new current year clears the old one (views.SchoolYearEditView), so the
        # one-current-year constraint is kept by the save, not refused by the form.
        return super()._get_validation_exclusions() | {"is_current"}

    def clean(self):
        cleaned = super().clean()
        year, start, end = cleaned.get("start_year"), cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "结束日期应晚于开始日期。")
        if year and start and start.year != year:
            self.add_error("start_date", f"{year}学年应在 {year} 年开始。")
        return cleaned


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["school_year", "number", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        year, start, end = cleaned.get("school_year"), cleaned.get("start_date"), cleaned.get("end_date")
        if not (year and start and end):
            return cleaned
        if end < start:
            self.add_error("end_date", "结束日期不能早于开学日期。")
        elif start < year.start_date or end > year.end_date:
            self.add_error(None, f"学期应在{year}之内（{year.start_date} 至 {year.end_date}）。")
        overlapping = Term.objects.filter(start_date__lte=end, end_date__gte=start).exclude(
            pk=self.instance.pk
        )
        for term in overlapping[:1]:
            self.add_error(None, f"与{term}（{term.start_date} 至 {term.end_date}）日期重叠。")
        return cleaned


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": DATE}

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        day, kind = cleaned.get("date"), cleaned.get("kind")
        if day and kind == CalendarDay.Kind.MAKEUP and day.weekday() < 5:
            self.add_error("kind", f"{day} 是工作日，调休上课日应为周六或周日。")
        return cleaned


def transfer_schools(student):
    """Where a student may transfer to: the other open schools of the district whose 学段 teaches the
    student's current grade (a school user transfers out of their own scope, so the district, not the scope)."""
    schools = School.objects.filter(district_id=student.school.district_id, status=SchoolStatus.OPEN)
    if student.school_class_id:
        grade = student.school_class.grade
        schools = schools.filter(stage__in=[stage for stage in Stage if grade in STAGE_GRADES[stage]])
    return schools.exclude(pk=student.school_id).order_by("code")


class StatusChangeForm(forms.Form):
    """学籍异动 on the student page; the view hands the cleaned data to people.services."""

    ACTIONS = [
        ("transfer", "转学"),
        ("change_class", "调班"),
        ("suspend", "休学"),
        ("resume", "复学"),
        ("repeat", "留级"),
        ("death", "死亡注销"),
    ]
    # No preselection: 转学, the first action, is the one with the biggest consequences.
    action = forms.ChoiceField(
        label=_("异动类型"),
        choices=[("", "请选择"), *ACTIONS],
        error_messages={"required": "请选择异动类型。"},
    )
    date = forms.DateField(label=_("异动日期"), widget=DATE)
    to_school = forms.ModelChoiceField(
        label=_("转入学校"),
        queryset=School.objects.none(),
        required=False,
        help_text=_("转学时填写；留空表示转往区外"),
        error_messages={"invalid_choice": "所选学校不能转入：请选择本区开办中、开设该学生年级的其他学校。"},
    )
    to_class = ClassChoiceField(
        label=_("新班级"),
        queryset=SchoolClass.objects.none(),
        required=False,
        help_text=_("调班、留级时必填；转学、复学时可选"),
    )
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    NEEDS_CLASS = {"change_class", "repeat"}

    def __init__(self, data=None, *, student, user, **kwargs):
        super().__init__(data, **kwargs)
        self.student = student
        self.initial.setdefault("date", timezone.localdate())
        self.fields["to_school"].queryset = transfer_schools(student)
        to_school = _bound_id(self, "to_school")
        self.fields["to_class"].queryset = class_choices(user, [student.school_id, to_school]).exclude(
            pk=student.school_class_id
        )
        self.fields["to_school"].widget.attrs.update(
            _hx_options("people:class_options", "to_class", fallback=student.school_id)
        )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate() + datetime.timedelta(days=31):
            raise forms.ValidationError("异动日期不能晚于一个月以后。")
        return value

    def clean(self):
        cleaned = super().clean()
        action, to_class = cleaned.get("action"), cleaned.get("to_class")
        if action in self.NEEDS_CLASS and not to_class:
            self.add_error("to_class", "请选择新班级。")
        if action == "transfer":
            to_school = cleaned.get("to_school")
            if to_class and (not to_school or to_class.school_id != to_school.pk):
                self.add_error("to_class", "新班级应属于转入学校。")
        elif (
            action in ("change_class", "repeat", "resume")
            and to_class
            and to_class.school_id != self.student.school_id
        ):
            self.add_error("to_class", f"{to_class.name}不是{self.student.school}的班级。")
        elif action == "change_class" and to_class:
            try:
                services.check_same_grade(self.student, to_class)
            except ValidationError as e:
                self.add_error("to_class", e)
        if action in ("death", "suspend") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "请填写原因。")
        return cleaned


class MergeForm(forms.Form):
    """Merge a group of duplicates: keep one, the others are merged into it."""

    kind = forms.ChoiceField(choices=[("students", "学生"), ("staff", "教职工")])
    keep = forms.IntegerField()
    members = forms.CharField(help_text=_("逗号分隔的记录编号"))

    def clean(self):
        cleaned = super().clean()
        try:
            members = [int(x) for x in cleaned.get("members", "").split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError("记录编号无效。") from None
        keep = cleaned.get("keep")
        if keep not in members or len(set(members)) < 2:
            raise forms.ValidationError("请在重复记录中选择要保留的一条。")
        cleaned["remove"] = [m for m in dict.fromkeys(members) if m != keep]
        return cleaned


class PostingForm(forms.ModelForm):
    """交流轮岗 / 支教 / 挂职 of one staff member (the view sets instance.staff); the rules are in
    Posting.clean, shared with the API."""

    class Meta:
        model = Posting
        fields = ["kind", "to_school", "place", "start_date", "end_date", "note"]
        widgets = {"start_date": DATE, "end_date": DATE}
        help_texts = {
            "to_school": _("区内学校；派往区外的留空并填写派往地点"),
            "end_date": _("尚未结束的留空"),
        }

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        # Any open school of the district may receive a teacher, not only the user's own.
        schools = School.objects.filter(Q(status=SchoolStatus.OPEN) | Q(pk=self.instance.to_school_id))
        if self.instance.staff_id:
            schools = schools.exclude(pk=self.instance.staff.school_id)
        self.fields["to_school"].queryset = schools.order_by("code")


class GraduationForm(forms.Form):
    """毕业: the 在读 students of some grades of one school in one school year."""

    school_year = forms.ModelChoiceField(label=_("学年"), queryset=SchoolYear.objects.order_by("-start_year"))
    school = forms.ModelChoiceField(
        label=_("学校"),
        queryset=School.objects.none(),
        error_messages={"invalid_choice": "所选学校不存在或不在您的管理范围内，请重新选择。"},
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("年级"), choices=GRADE_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    date = forms.DateField(label=_("毕业日期"), widget=DATE)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        schools = schools_for(user).order_by("code")
        self.fields["school"].queryset = schools
        if not scope_of(user).all_units:
            self.initial.setdefault("school", schools.values_list("pk", flat=True).first())
        self.initial.setdefault("school_year", SchoolYear.objects.filter(is_current=True).first())
        self.initial.setdefault("date", timezone.localdate())
        self.fields["grades"].error_messages["required"] = "请至少选择一个毕业年级。"

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate() + datetime.timedelta(days=31):
            raise forms.ValidationError("毕业日期不能晚于一个月以后。")
        return value

    def students(self):
        """The students who would graduate: 在读, in the chosen grades' classes of that year."""
        data = self.cleaned_data
        return Student.objects.for_user(self.user, CHANGE).filter(
            school=data["school"],
            school_class__school_year=data["school_year"],
            school_class__grade__in=data["grades"],
            status=StudentStatus.STUDYING,
        )
