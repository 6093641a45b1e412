"""The health report over the API: the submission shape of the issue (natural keys: 学校标识码,
年级, 班号, 日期; students by 证件号码) and the read shapes of reports, cases, alerts, rollups.

Submissions are validated by services.submit_class_report, not by these serializers: the page,
the API and the JSONL loader share one set of rules. The input serializers here document the
shape in the OpenAPI schema.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edubureau.core.api import MaskedFieldsMixin

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

SYMPTOM_FIELD = serializers.ListField(
    child=serializers.ChoiceField(choices=sym.SYMPTOMS),
    help_text="症状，可多选；“其他”的文字写在 other_symptoms",
)


class CaseInSerializer(serializers.Serializer):
    student_id_no = serializers.CharField(help_text="学生证件号码（身份证号）；须为该班在读学生")
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=sym.SYMPTOMS), help_text="症状，可多选"
    )
    other_symptoms = serializers.CharField(required=False, help_text="其他症状（文字）")
    onset = serializers.DateField(help_text="发病日期，不晚于日报日期")
    seen_doctor = serializers.BooleanField(required=False, default=False)
    diagnosis = serializers.ChoiceField(choices=sym.DIAGNOSES, required=False, allow_blank=True)
    expected_return = serializers.DateField(required=False, allow_null=True, help_text="不早于发病日期")


class ClassReportInSerializer(serializers.Serializer):
    school = serializers.CharField(help_text="学校标识码")
    grade = serializers.IntegerField(help_text="年级：1–12 为一年级…高三，-3…0 为托班…大班")
    class_no = serializers.IntegerField(help_text="班号")
    date = serializers.DateField(help_text="上课日，不晚于今天")
    session = serializers.ChoiceField(choices=Session.choices, required=False, help_text="晨检（默认）或午检")
    expected = serializers.IntegerField(help_text="应到")
    present = serializers.IntegerField(help_text="实到，不大于应到")
    sick = serializers.IntegerField(help_text="因病缺课；等于 cases 的条数")
    personal = serializers.IntegerField(help_text="因事缺课；因病 + 因事 不超过 应到 − 实到")
    cases = CaseInSerializer(
        many=True, required=False, help_text="每名因病缺课学生一条；无缺课为零报告（空列表）"
    )


class StaffCaseInSerializer(CaseInSerializer):
    student_id_no = None
    staff_id_no = serializers.CharField(help_text="教职工证件号码")


class StaffReportInSerializer(serializers.Serializer):
    school = serializers.CharField(help_text="学校标识码")
    date = serializers.DateField()
    staff_total = serializers.IntegerField(help_text="教职工总数")
    on_duty = serializers.IntegerField(help_text="在岗")
    sick = serializers.IntegerField(help_text="因病缺勤；等于 cases 的条数")
    personal = serializers.IntegerField(required=False, help_text="因事缺勤")
    cases = StaffCaseInSerializer(many=True, required=False)


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
