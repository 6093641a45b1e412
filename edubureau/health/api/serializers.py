"""The health report over the API: the submission shape of the issue (natural keys: 学校标识码,
年级, 班号, 日期; people by 证件号码 or registry id) and the read shapes of reports, cases, alerts, rollups.

Submissions are validated by the service (`services.validate_class_report` on a ClassReportInput built
by `ClassReportInput.from_json`), not by these serializers: the page, the API and the JSONL loader
share one input and one validator. The input serializers here only document the shape in the OpenAPI
schema, and are built from the input types' fields (`services.json_fields`), so the field list is
written once.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edubureau.core.api import MaskedFieldsMixin

from .. import services
from .. import symptoms as sym
from ..models import (
    Alert,
    AlertEvent,
    AlertStatus,
    ClassReport,
    SchoolDayRollup,
    Session,
    SickCase,
    StaffHealthReport,
    StaffSickCase,
)


def _schema_field(kind: str, help_text: str, required: bool, who: str) -> serializers.Field:
    """The DRF field that documents an input field of `kind` (services._api)."""
    options = {"help_text": help_text, "required": required}
    if kind == "cases":
        return _case_serializer(who)(many=True, **options)
    if kind == "date" and not required:
        options["allow_null"] = True
    make = {
        "text": lambda: serializers.CharField(**options, allow_blank=not required),
        "integer": lambda: serializers.IntegerField(**options),
        "registry_id": lambda: serializers.IntegerField(min_value=1, **options),
        "date": lambda: serializers.DateField(**options),
        "boolean": lambda: serializers.BooleanField(**options),
        "session": lambda: serializers.ChoiceField(choices=Session.choices, **options),
        "symptoms": lambda: serializers.ListField(child=serializers.ChoiceField(choices=sym.SYMPTOMS), **options),
        "diagnosis": lambda: serializers.ChoiceField(choices=sym.DIAGNOSES, allow_blank=True, **options),
    }
    return make[kind]()


def input_serializer(input_type, name: str, who: str) -> type[serializers.Serializer]:
    """A schema-only serializer of an input type's JSON form."""
    declared = {key: _schema_field(kind, help_text, required, who)
                for _name, key, kind, help_text, required in services.json_fields(input_type, who)}  # fmt: skip
    return type(name, (serializers.Serializer,), declared)


def _case_serializer(who: str) -> type[serializers.Serializer]:
    return CaseInSerializer if who == "student" else StaffCaseInSerializer


CaseInSerializer = input_serializer(services.CaseInput, "CaseInSerializer", "student")
StaffCaseInSerializer = input_serializer(services.CaseInput, "StaffCaseInSerializer", "staff")
ClassReportInSerializer = input_serializer(services.ClassReportInput, "ClassReportInSerializer", "student")
StaffReportInSerializer = input_serializer(services.StaffReportInput, "StaffReportInSerializer", "staff")


class SubmissionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["created", "replaced", "unchanged"],
        help_text="新建 / 替换了原日报（原版本已保留）/ 与原日报相同未改动",
    )
    id = serializers.IntegerField()
    url = serializers.URLField()
    version = serializers.IntegerField()
    late = serializers.BooleanField()
    alerts = serializers.ListField(child=serializers.DictField(), help_text="本次提交触发或更新的预警")


class RefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField(), help_text="每一处问题，指明字段与值")


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class SymptomsField(serializers.Field):
    def to_representation(self, value):
        return sym.to_names(value)


class SickCaseSerializer(MaskedFieldsMixin, serializers.ModelSerializer):
    sensitive_fields = {"student_id_no": "id_number"}
    student_id_no = serializers.CharField(source="student.id_number")
    student_name = serializers.CharField(source="student.name")
    school = serializers.CharField(source="school.code")
    grade = serializers.IntegerField(source="school_class.grade")
    class_no = serializers.IntegerField(source="school_class.class_no")
    symptoms = SymptomsField()

    class Meta:
        model = SickCase
        fields = [
            "id", "school", "grade", "class_no", "date", "student_name", "student_id_no", "symptoms",
            "other_symptoms", "onset", "seen_doctor", "diagnosis", "expected_return", "returned_on",
            "certificate", "days_missed", "closed",
        ]  # fmt: skip


class ReportCaseSerializer(SickCaseSerializer):
    class Meta(SickCaseSerializer.Meta):
        fields = ["id", "student_name", "student_id_no", "symptoms", "other_symptoms", "onset", "seen_doctor",
                  "diagnosis", "expected_return", "returned_on", "closed"]  # fmt: skip


class ClassReportSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="health-api:classreport-detail")
    school = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    grade = serializers.IntegerField(source="school_class.grade")
    class_no = serializers.IntegerField(source="school_class.class_no")
    submitted_by = serializers.CharField(source="submitted_by.username", default=None)
    cases = ReportCaseSerializer(many=True, read_only=True)

    class Meta:
        model = ClassReport
        fields = [
            "id", "url", "school", "school_name", "grade", "class_no", "date", "session", "expected", "present",
            "sick", "personal", "zero_report", "version", "submitted_at", "submitted_by", "late", "source", "cases",
        ]  # fmt: skip


class StaffCaseSerializer(MaskedFieldsMixin, serializers.ModelSerializer):
    sensitive_fields = {"staff_id_no": "id_number"}
    staff_id_no = serializers.CharField(source="staff.id_number")
    staff_name = serializers.CharField(source="staff.name")
    symptoms = SymptomsField()

    class Meta:
        model = StaffSickCase
        fields = ["staff_name", "staff_id_no", "symptoms", "other_symptoms", "onset", "seen_doctor", "diagnosis",
                  "expected_return"]  # fmt: skip


class StaffHealthReportSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="health-api:staffreport-detail")
    school = serializers.CharField(source="school.code")
    cases = StaffCaseSerializer(many=True, read_only=True)

    class Meta:
        model = StaffHealthReport
        fields = ["id", "url", "school", "date", "staff_total", "on_duty", "sick", "personal", "version",
                  "submitted_at", "late", "source", "cases"]  # fmt: skip


class SchoolDayRollupSerializer(serializers.ModelSerializer):
    school = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    sick_rate = serializers.FloatField()

    class Meta:
        model = SchoolDayRollup
        fields = [
            "school", "school_name", "date", "stage", "classes_expected", "classes_reported", "classes_on_time",
            "classes_late", "expected", "present", "sick", "personal", "sick_rate", "cases", "symptom_counts",
            "diagnosis_counts", "staff_on_duty", "staff_sick",
        ]  # fmt: skip


class AlertEventSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None)

    class Meta:
        model = AlertEvent
        fields = ["at", "user", "from_status", "to_status", "note"]


class AlertSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="health-api:alert-detail")
    rule = serializers.CharField(source="rule_code")
    rule_name = serializers.SerializerMethodField()
    school = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    grade = serializers.IntegerField(source="school_class.grade", default=None)
    class_no = serializers.IntegerField(source="school_class.class_no", default=None)
    assignee = serializers.CharField(source="assignee.username", default=None)
    events = AlertEventSerializer(many=True, read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "url", "kind", "rule", "rule_name", "level", "school", "school_name", "grade", "class_no",
            "first_date", "last_date", "cases", "status", "assignee", "detail", "report_due", "created_at",
            "updated_at", "verified_at", "reported_at", "closed_at", "events",
        ]  # fmt: skip

    def get_rule_name(self, alert) -> str:
        return alert.rule.name if alert.rule_id else "EARS 因病缺课率异常"


class AlertTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices, help_text="新状态；须符合流程")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="备注（误报时必填）")
    assignee = serializers.CharField(required=False, help_text="负责人用户名")
