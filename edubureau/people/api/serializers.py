"""The people registry over the API.

Natural keys as in the import templates: a school by its 学校标识码, a school year by its start
year, a class by its id or by (年级, 班号, 学年) within the student's school. The identity rule is
people.identity's, as on the pages and in the importers. A student's school, class and status change
through people.services.move_student (学籍异动), and guardians through services.save_guardians, so an
API edit leaves the same rows, StatusChange history and change records as a page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edubureau.core import idcodes
from edubureau.core.api import (
    MaskedFieldsMixin,
    NaturalKeyField,
    ScopedModelSerializer,
    ScopedPrimaryKeyRelatedField,
    django_errors,
)
from edubureau.org.api.serializers import school_field
from edubureau.org.models import Campus, School

from .. import identity, services
from ..models import (
    GRADE_LABELS,
    Guardian,
    IdType,
    Posting,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
    grade_label,
)

GRADE_BY_LABEL = {label: grade for grade, label in GRADE_LABELS.items()}


def parse_grade(value):
    """1–12 for 一年级…高三, -3..0 for 托班…大班; the Chinese label is accepted too."""
    if isinstance(value, str) and value.strip() in GRADE_BY_LABEL:
        return GRADE_BY_LABEL[value.strip()]
    try:
        grade = int(value)
    except (TypeError, ValueError):
        grade = None
    if grade not in GRADE_LABELS or isinstance(value, bool):
        raise serializers.ValidationError(
            f"年级“{value}”无效：请填写 1–12（一年级…高三）或 托班/小班/中班/大班（-3…0）。"
        )
    return grade


@extend_schema_field(OpenApiTypes.INT)
class GradeField(serializers.Field):
    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        return parse_grade(data)


class SchoolYearField(NaturalKeyField):
    """A school year by its start year (2025 = 2025-2026学年)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"does_not_exist": "没有 {value} 学年，请填写已建立学年的起始年份（如 2025）。"}
        )
        super().__init__(slug_field="start_year", queryset=SchoolYear.objects.all(), **kwargs)


# ---------------------------------------------------------------- identity rules


def identity_attrs(serializer, attrs, *, reason_field=None):
    """people.identity's rules on the (merged) attrs: a field-keyed 400, or attrs with the ID number
    (and 学籍号) normalised and, on an update, checked to be no other record's."""
    instance = serializer.instance
    names = {"id_type", "id_number", "birth_date", "gender", reason_field, "student_no"} - {None}
    if instance is not None and not names & set(attrs):
        return attrs  # a PATCH of other fields must not trip over an old record
    get = lambda name: attrs.get(name, getattr(instance, name, None))  # noqa: E731
    id_type = get("id_type") or IdType.RESIDENT
    reason = (get(reason_field) or "") if reason_field else None
    checked = identity.check_identity(id_type, get("id_number"), get("birth_date"), get("gender"), no_id_reason=reason)
    errors = dict(checked.errors)
    attrs = {**attrs, "id_number": checked.number}
    if reason_field:
        attrs[reason_field] = checked.no_id_reason
    if "student_no" in serializer.fields:
        attrs["student_no"], found = identity.check_student_no(
            get("student_no"), id_type, checked.number, get("birth_date"), id_valid="id_number" not in errors
        )
        errors = {**found, **errors}
    if not errors and instance is not None:
        # A create with a taken number answers 409 (ScopedModelViewSet.check_natural_key).
        user = serializer.context["request"].user
        key = {"id_type": id_type, "id_number": checked.number, "student_no": attrs.get("student_no", "")}
        errors = identity.number_taken(type(instance), user, exclude=instance.pk, **key)
    if errors:
        raise serializers.ValidationError({name: [message] for name, message in errors.items()})
    return attrs


# ---------------------------------------------------------------- school years and classes


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["number", "start_date", "end_date"]


class SchoolYearSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    terms = TermSerializer(many=True, read_only=True)

    class Meta:
        model = SchoolYear
        fields = ["id", "start_year", "name", "start_date", "end_date", "is_current", "terms"]


class SchoolClassSerializer(ScopedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="people-api:schoolclass-detail")
    school = school_field()
    school_year = SchoolYearField(required=False, help_text="学年起始年份；不填为当前学年")
    grade = GradeField(help_text="1–12 为一年级…高三，-3…0 为托班…大班；也可填中文年级名")
    name = serializers.CharField(read_only=True)
    campus = ScopedPrimaryKeyRelatedField(queryset=Campus.objects.all(), required=False, allow_null=True)
    head_teacher = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), required=False, allow_null=True)

    class Meta:
        model = SchoolClass
        fields = [
            "id",
            "url",
            "school",
            "school_year",
            "grade",
            "class_no",
            "name",
            "campus",
            "head_teacher",
            "capacity",
        ]

    def validate(self, attrs):
        get = lambda name: attrs.get(name, getattr(self.instance, name, None))  # noqa: E731
        school = get("school")
        if not attrs.get("school_year") and self.instance is None:
            attrs["school_year"] = SchoolYear.current()
            if attrs["school_year"] is None:
                raise serializers.ValidationError({"school_year": ["还没有建立学年，请先建立学年。"]})
        grade = get("grade")
        if grade not in school.grades:
            raise serializers.ValidationError(
                {"grade": [f"{school}的学段为{school.get_stage_display()}，没有{grade_label(grade)}。"]}
            )
        campus, teacher = get("campus"), get("head_teacher")
        if campus is not None and campus.school_id != school.pk:
            raise serializers.ValidationError({"campus": [f"校区“{campus.name}”不属于{school}。"]})
        if teacher is not None and teacher.school_id != school.pk:
            raise serializers.ValidationError({"head_teacher": [f"{teacher.name}不是{school}的教职工。"]})
        return attrs


# ---------------------------------------------------------------- students


class GuardianSerializer(MaskedFieldsMixin, serializers.ModelSerializer):
    sensitive_fields = {"phone": "phone"}
    id = serializers.IntegerField(required=False, help_text="修改已有监护人时填写；不填则按姓名和关系匹配")

    class Meta:
        model = Guardian
        fields = ["id", "name", "relation", "phone"]
        # A missing relation is refused by services.check_guardian, in the page's words.
        extra_kwargs = {"relation": {"required": False, "allow_blank": True}}


@extend_schema_field({"type": "integer", "nullable": True})
class ClassKeyField(serializers.Field):
    """年级 / 班号 / 学年 of the student's class: read from the class; on input, a natural key to
    find the class by (with the other two and the student's school)."""

    def __init__(self, key, read, parse, **kwargs):
        self.key, self.read, self.parse = key, read, parse
        super().__init__(source="*", required=False, **kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, {self.key: None}
        return super().validate_empty_values(data)

    def to_representation(self, student):
        return self.read(student.school_class) if student.school_class_id else None

    def to_internal_value(self, value):
        return {self.key: self.parse(value)}


def _positive(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1 or isinstance(value, bool):
        raise serializers.ValidationError(f"班号“{value}”无效：请填写正整数，如 3。")
    return number


def _start_year(value):
    try:
        return SchoolYear.objects.get(start_year=int(value))
    except (TypeError, ValueError, SchoolYear.DoesNotExist):
        raise serializers.ValidationError(
            f"没有 {value} 学年，请填写已建立学年的起始年份（如 2025）。"
        ) from None


PLACEMENT = ("school", "school_class", "status")


class StudentSerializer(MaskedFieldsMixin, ScopedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="people-api:student-detail")
    school = school_field()
    school_name = serializers.CharField(source="school.name", read_only=True)
    school_class = ScopedPrimaryKeyRelatedField(
        queryset=SchoolClass.objects.select_related("school", "school_year"), required=False, allow_null=True,
        help_text="班级 id；也可不填，改用 grade + class_no (+ school_year) 指定班级",
    )  # fmt: skip
    grade = ClassKeyField("grade", lambda c: c.grade, parse_grade, help_text="年级（1–12，-3…0 为托班…大班）")
    class_no = ClassKeyField("class_no", lambda c: c.class_no, _positive, help_text="班号")
    school_year = ClassKeyField(
        "school_year",
        lambda c: c.school_year.start_year,
        _start_year,
        help_text="班级所在学年的起始年份；不填为当前学年",
    )
    class_name = serializers.SerializerMethodField(help_text="班级名称，如 三年级（2）班")
    guardians = GuardianSerializer(many=True, required=False)
    change_date = serializers.DateField(
        write_only=True, required=False, help_text="入学或学籍异动日期；不填为今天"
    )
    change_reason = serializers.CharField(
        write_only=True, required=False, max_length=200, help_text="学籍异动原因"
    )

    class Meta:
        model = Student
        fields = [
            "id", "url", "name", "gender", "birth_date", "id_type", "id_number", "no_id_reason", "student_no",
            "ethnicity", "hukou_region", "hukou_type", "address", "is_migrant", "school", "school_name",
            "school_class", "school_year", "grade", "class_no", "class_name", "status", "enrolled_on", "guardians",
            "change_date", "change_reason",
        ]  # fmt: skip

    @extend_schema_field({"type": "string", "nullable": True})
    def get_class_name(self, student):
        return student.school_class.name if student.school_class_id else None

    # --- validation

    def validate_hukou_region(self, value):
        try:
            return idcodes.validate_region_code(value) if value else value
        except idcodes.CodeError as e:
            raise serializers.ValidationError(identity.sentence(e)) from e

    def validate(self, attrs):
        return self.find_class(identity_attrs(self, attrs, reason_field="no_id_reason"))

    def find_class(self, attrs):
        """Resolve grade + class_no (+ school_year) to the class, and check the class is the school's."""
        keys = {k: attrs.pop(k) for k in ("grade", "class_no", "school_year") if k in attrs}
        school = attrs.get("school") or getattr(self.instance, "school", None)
        if "school_class" not in attrs and any(v is not None for v in keys.values()):
            grade, class_no = keys.get("grade"), keys.get("class_no")
            if grade is None or class_no is None:
                raise serializers.ValidationError(
                    {"class_no" if grade is not None else "grade": ["年级和班号须同时填写。"]}
                )
            year = keys.get("school_year") or SchoolYear.current()
            found = SchoolClass.objects.filter(
                school=school, school_year=year, grade=grade, class_no=class_no
            ).first()
            if found is None:
                raise serializers.ValidationError(
                    {
                        "class_no": [
                            f"{school}在{year}没有{grade_label(grade)}（{class_no}）班，请先建班或核对年级、班号。"
                        ]
                    }
                )
            attrs["school_class"] = found
        elif "school_class" not in attrs and self.instance is not None and "school" in attrs:
            if attrs["school"].pk != self.instance.school_id:
                attrs["school_class"] = None  # a new school, and no class named in it yet
        school_class = attrs.get("school_class")
        if school_class is not None and school_class.school_id != school.pk:
            raise serializers.ValidationError(
                {"school_class": [f"{school_class.name}不属于{school}，请选择{school}的班级。"]}
            )
        return attrs

    # --- saving: 入学 and 学籍异动 through people.services

    def create(self, validated_data):
        guardians = validated_data.pop("guardians", [])
        date = validated_data.pop("change_date", None)
        validated_data.pop("change_reason", None)
        student = Student(**validated_data)
        self.full_clean(student)
        services.enrol_student(student, date)
        self.save_guardians(student, guardians)
        return student

    def update(self, instance, validated_data):
        guardians = validated_data.pop("guardians", None)
        date, reason = validated_data.pop("change_date", None), validated_data.pop("change_reason", "")
        placement = {k: validated_data.pop(k) for k in PLACEMENT if k in validated_data}
        student = super().update(instance, validated_data)
        student = _service(services.move_student, student, date=date, reason=reason, **placement)
        if guardians is not None:
            self.save_guardians(student, guardians)
        return Student.objects.select_related("school", "school_class__school_year").get(pk=student.pk)

    def save_guardians(self, student, items):
        """The list is all the student's guardians (services.save_guardians, replace=True): matched by
        id, else by name and relation; sending the same list twice changes nothing."""
        rows = [services.GuardianInput(**item) for item in items]
        try:
            services.save_guardians(student, rows, replace=True)
        except services.GuardianErrors as e:
            rows = [{name: [message] for name, message in e.rows.get(i, {}).items()} for i in range(len(rows))]
            raise serializers.ValidationError({"guardians": rows}) from e
        except DjangoValidationError as e:
            raise serializers.ValidationError(django_errors(e, "guardians")) from e


def _service(function, *args, **kwargs):
    """Call a people service; its refusals (keyed by field) become a 400."""
    try:
        return function(*args, **kwargs)
    except DjangoValidationError as e:
        raise serializers.ValidationError(django_errors(e)) from e


# ---------------------------------------------------------------- staff


class StaffSerializer(MaskedFieldsMixin, ScopedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="people-api:staff-detail")
    school = school_field()
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = Staff
        fields = [
            "id", "url", "name", "gender", "birth_date", "id_type", "id_number", "school", "school_name", "post_type",
            "subjects", "title", "education", "honours", "employment", "hire_date", "phone", "status",
        ]  # fmt: skip

    def validate(self, attrs):
        return identity_attrs(self, attrs)


# ---------------------------------------------------------------- postings (交流轮岗 / 支教 / 挂职)


class PostingSerializer(ScopedModelSerializer):
    """The staff member by `staff` (id) or by `staff_id_number` (证件号码, with `staff_id_type`,
    default 居民身份证); the receiving school by 学校标识码 — any school of the district, not only
    the user's own. The rules (dates, overlaps, own school) are Posting.clean's."""

    url = serializers.HyperlinkedIdentityField(view_name="people-api:posting-detail")
    staff = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), required=False)
    staff_id_number = serializers.CharField(
        write_only=True, required=False, help_text="不知道教职工 id 时，用证件号码指定教职工"
    )
    # A CharField, not a ChoiceField: a second enum of the ID types would confuse the schema.
    staff_id_type = serializers.CharField(
        write_only=True, required=False, default=IdType.RESIDENT, help_text="教职工的证件类型，默认居民身份证"
    )
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    to_school = NaturalKeyField(
        slug_field="code",
        queryset=School.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "学校标识码 {value} 不存在。"},
        help_text="派往学校的学校标识码；派往区外的不填，填写 place",
    )
    to_school_name = serializers.CharField(source="to_school.name", read_only=True, default="")

    class Meta:
        model = Posting
        fields = [
            "id", "url", "staff", "staff_id_number", "staff_id_type", "staff_name", "kind", "to_school",
            "to_school_name", "place", "start_date", "end_date", "note",
        ]  # fmt: skip

    def validate(self, attrs):
        number = (attrs.pop("staff_id_number", "") or "").strip().upper()
        id_type = attrs.pop("staff_id_type", IdType.RESIDENT)
        if number and "staff" not in attrs:
            user = self.context["request"].user
            found = Staff.objects.for_user(user).filter(id_type=id_type, id_number=number).first()
            if found is None:
                raise serializers.ValidationError(
                    {"staff_id_number": [f"没有证件号码为 {number} 的教职工，或不在您的管理范围内。"]}
                )
            attrs["staff"] = found
        if self.instance is None and "staff" not in attrs:
            raise serializers.ValidationError(
                {"staff": ["请用 staff（id）或 staff_id_number（证件号码）指定教职工。"]}
            )
        return attrs

    def save_new(self, instance):
        instance.lock_staff()
        self.full_clean(instance)  # again, now that no other posting of this person can be saved
        super().save_new(instance)

    def save_existing(self, instance, before):
        instance.lock_staff()
        self.full_clean(instance)
        super().save_existing(instance, before)
