"""Read-only API of the catchment rules and the allocation results (the pages write them)."""

from rest_framework import serializers

from edubureau.core.api import ScopedReadOnlyModelViewSet

from ..filtersets import AllocationRunFilterSet, CatchmentRuleFilterSet, PlacementFilterSet
from ..models import AllocationRun, CatchmentRule, Placement


class CatchmentRuleSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    entry_grade = serializers.CharField(source="campaign.entry_grade", read_only=True)
    school = serializers.CharField(source="school.code", read_only=True, default=None)
    group = serializers.CharField(source="group.name", read_only=True, default=None)
    group_schools = serializers.SerializerMethodField()

    class Meta:
        model = CatchmentRule
        fields = ["id", "campaign", "year", "entry_grade", "street", "community", "road", "number_from", "number_to",
                  "parity", "school", "group", "group_schools", "note"]  # fmt: skip

    def get_group_schools(self, rule) -> list[str]:
        return [s.code for s in rule.group.schools.all()] if rule.group_id else []


class AllocationRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = AllocationRun
        fields = ["id", "campaign", "mechanism", "inputs_hash", "created_at", "applicants", "placed", "unplaced",
                  "published_at", "stats"]  # fmt: skip


class PlacementSerializer(serializers.ModelSerializer):
    application = serializers.CharField(source="application.number", read_only=True)
    school = serializers.CharField(source="school.code", read_only=True, default=None)

    class Meta:
        model = Placement
        fields = [
            "id",
            "run",
            "application",
            "school",
            "reason",
            "choice_rank",
            "class_no",
            "nearest",
            "explanation",
        ]


class CatchmentRuleViewSet(ScopedReadOnlyModelViewSet):
    """对口/划片规则（只读）：街道、居委/小区、路、门牌号范围与单双号 → 对口学校（学校标识码）或划片片区。"""

    queryset = CatchmentRule.objects.select_related("campaign", "school", "group").prefetch_related(
        "group__schools"
    )
    serializer_class = CatchmentRuleSerializer
    filterset_class = CatchmentRuleFilterSet
    ordering_fields = ["street", "road", "number_from"]


class AllocationRunViewSet(ScopedReadOnlyModelViewSet):
    """分配批次（只读）：机制、输入数据哈希、人数与统计。"""

    queryset = AllocationRun.objects.all()
    serializer_class = AllocationRunSerializer
    filterset_class = AllocationRunFilterSet
    ordering_fields = ["created_at"]


class PlacementViewSet(ScopedReadOnlyModelViewSet):
    """录取结果（只读）：报名编号 → 录取学校、录取方式、班号；未录取者附就近仍有学位的学校。`?run=&school=`。"""

    queryset = Placement.objects.select_related("application", "school")
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilterSet
    ordering_fields = ["class_no", "choice_rank"]
