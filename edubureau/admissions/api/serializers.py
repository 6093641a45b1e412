"""Admissions over the API. Schools by 学校标识码; applications are written through
services.applications, so an API registration obeys the same rules as the page and the import
(open stage, ID number, entry window, one application per child, choice limits)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from edubureau.core.api import MaskedFieldsMixin, django_errors
from edubureau.core.idcodes import mask_name
from edubureau.org.models import School

from ..models import Application, Campaign, CampaignStage, ChoiceKind, Draw, SchoolPlan
from ..services import applications
from ..services.applications import CHILD_FIELDS, ChoiceInput, Registration


class StageSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = CampaignStage
        fields = [
            "kind",
            "order",
            "planned_start",
            "planned_end",
            "status",
            "is_open",
            "opened_at",
            "closed_at",
        ]


class PlanSerializer(serializers.ModelSerializer):
    school = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    places = serializers.IntegerField(read_only=True)

    class Meta:
        model = SchoolPlan
        fields = ["school", "school_name", "planned_classes", "class_size", "places"]


class CampaignSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)
    tiers = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id", "year", "entry_grade", "name", "class_size", "birth_from", "birth_to", "max_private_choices",
            "max_public_choices", "documents", "stages", "tiers",
        ]  # fmt: skip

    def get_tiers(self, campaign) -> list[dict]:
        return [{"rank": t.rank, "name": t.name, "conditions": t.conditions} for t in campaign.tiers.all()]


class GuardianInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    relation = serializers.CharField(max_length=10)
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    residence_permit = serializers.BooleanField(required=False, default=False)
    insurance_months = serializers.IntegerField(required=False, default=0, min_value=0, max_value=12)


class SchoolCodesField(serializers.ListField):
    child = serializers.CharField(max_length=10)


class ApplicationSerializer(MaskedFieldsMixin, serializers.ModelSerializer):
    """One application. `guardians` as a list; `private_choices` / `public_choices` as lists of
    学校标识码, most preferred first. After verification a change needs `reason` (kept in the audit log)."""

    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    guardians = GuardianInputSerializer(many=True)
    private_choices = SchoolCodesField(required=False, default=list)
    public_choices = SchoolCodesField(required=False, default=list)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    tier = serializers.IntegerField(source="tier.rank", read_only=True, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id", "campaign", "number", *CHILD_FIELDS, "guardians", "private_choices", "public_choices", "reason",
            "status", "documents", "return_reason", "verified_at", "tier", "tier_explanation", "catchment_school",
            "lottery_number", "admitted_school",
        ]  # fmt: skip
        read_only_fields = [
            "number", "status", "documents", "return_reason", "verified_at", "tier_explanation", "catchment_school",
            "lottery_number", "admitted_school",
        ]  # fmt: skip
        extra_kwargs = {"id_number": {"required": True, "allow_blank": False}}

    def get_unique_together_constraints(self, model):
        return iter(())  # one application per child: the service answers, the viewset says 409

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        choices = list(instance.choices.all())
        data["private_choices"] = [c.school.code for c in choices if c.kind == ChoiceKind.PRIVATE]
        data["public_choices"] = [c.school.code for c in choices if c.kind == ChoiceKind.PUBLIC]
        unmasked = self.context.get("unmasked")
        data["guardians"] = [
            {"name": g.name if unmasked else mask_name(g.name), "relation": g.relation}
            for g in instance.guardians.all()
        ]
        return data

    def _choices(self, attrs) -> list[ChoiceInput]:
        codes = {c for key in ("private_choices", "public_choices") for c in attrs.get(key, [])}
        schools = {s.code: s for s in School.objects.filter(code__in=codes)}
        unknown = sorted(codes - set(schools))
        if unknown:
            raise serializers.ValidationError({"private_choices": f"学校标识码不存在：{'、'.join(unknown)}"})
        result = []
        for key, kind in (("private_choices", ChoiceKind.PRIVATE), ("public_choices", ChoiceKind.PUBLIC)):
            codes_ = attrs.get(key, [])
            if len(set(codes_)) != len(codes_):
                raise serializers.ValidationError({key: "同一学校填了两次。"})
            result += [ChoiceInput(kind, schools[c], rank) for rank, c in enumerate(codes_, start=1)]
        return result

    def create(self, validated_data):
        registration = Registration(
            child={k: v for k, v in validated_data.items() if k in CHILD_FIELDS},
            guardians=validated_data.get("guardians", []),
            choices=self._choices(validated_data),
        )
        try:
            return applications.register(
                validated_data["campaign"], registration, user=self.context["request"].user
            )
        except DjangoValidationError as e:
            raise serializers.ValidationError(django_errors(e)) from e

    def update(self, instance, validated_data):
        if validated_data.get("campaign", instance.campaign) != instance.campaign:
            raise serializers.ValidationError({"campaign": "不能把申请改到另一次招生。"})
        touches_choices = "private_choices" in self.initial_data or "public_choices" in self.initial_data
        try:
            return applications.update_application(
                instance,
                child={k: v for k, v in validated_data.items() if k in CHILD_FIELDS},
                guardians=validated_data["guardians"] if "guardians" in validated_data else None,
                choices=self._choices(validated_data) if touches_choices else None,
                user=self.context["request"].user,
                reason=validated_data.get("reason", ""),
            )
        except DjangoValidationError as e:
            raise serializers.ValidationError(django_errors(e)) from e


class DrawSerializer(serializers.ModelSerializer):
    """A lottery: application numbers and hashes only, never personal data."""

    school = serializers.CharField(source="school.code", read_only=True, allow_null=True, default=None)
    applicant_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Draw
        fields = [
            "id", "campaign", "school", "places", "status", "applicant_count", "list_hash", "published_at", "seed",
            "drawn_at", "sequence", "previous_hash", "record_hash", "witnesses",
        ]  # fmt: skip


class DrawDetailSerializer(DrawSerializer):
    class Meta(DrawSerializer.Meta):
        fields = [*DrawSerializer.Meta.fields, "applicants", "order"]
