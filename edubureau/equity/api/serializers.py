"""The resource reports over the API: a school posts its figures for a year (idempotent: the same
school and year update the draft), then submits; the bureau confirms or returns with a reason."""

from rest_framework import serializers

from edubureau.core.api import ScopedModelSerializer
from edubureau.org.api.serializers import school_field
from edubureau.people.api.serializers import SchoolYearField

from ..models import NEGATIVE, ResourceReport
from ..workflow import CORRECTIONS, EDITABLE_FIELDS, FIGURES


class ResourceReportSerializer(ScopedModelSerializer):
    school = school_field(help_text="学校标识码")
    school_name = serializers.CharField(source="school.name", read_only=True)
    school_year = SchoolYearField(help_text="学年起始年份，如 2025")
    missing_fields = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ResourceReport
        fields = [
            "id", "school", "school_name", "school_year", *EDITABLE_FIELDS, "status", "missing_fields",
            "submitted_at", "reviewed_at", "return_reason", "created_at", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {
            name: {"error_messages": {"min_value": NEGATIVE}} for name in (*FIGURES, *CORRECTIONS)
        }
        read_only_fields = [
            "status",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "created_at",
            "updated_at",
        ]


class ReturnSerializer(serializers.Serializer):
    return_reason = serializers.CharField(max_length=300, help_text="退回原因：告诉学校需要修改什么")


class IndicatorResultSerializer(serializers.Serializer):
    school = serializers.CharField(help_text="学校标识码")
    school_name = serializers.CharField()
    part = serializers.CharField(help_text="小学 / 初中")
    students = serializers.FloatField(allow_null=True)
    status = serializers.CharField(help_text="ok / incomplete / no_students / invalid")
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))
    standards = serializers.DictField(child=serializers.FloatField())
    overridden = serializers.ListField(child=serializers.CharField())
    reached = serializers.IntegerField()
    passed = serializers.BooleanField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())
