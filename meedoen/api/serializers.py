"""API representations. Field-level rules come from the access policy, not from here."""

from rest_framework import serializers

from meedoen.core.policy import (
    GUARDIANS,
    GUIDANCE,
    IDENTITY,
    PERSONAL,
    SUPPORT_NEEDS,
    student_field_groups,
)
from meedoen.directory.models import Location, Organisation, School
from meedoen.students.models import AccessGrant, Guardian, SchoolClass, Student


class LocationSerializer(serializers.ModelSerializer):
    municipality = serializers.StringRelatedField()

    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "street",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "municipality",
        ]


class SchoolSerializer(serializers.ModelSerializer):
    locations = LocationSerializer(many=True, read_only=True)
    board = serializers.StringRelatedField()

    class Meta:
        model = School
        fields = ["id", "brin", "name", "board", "required_hours", "locations"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "legal_form",
            "non_profit",
            "sectors",
            "verified",
            "street",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "website",
        ]


class SchoolClassSerializer(serializers.ModelSerializer):
    school_year = serializers.IntegerField(source="cohort.school_year")
    year_of_study = serializers.IntegerField(source="cohort.year_of_study")
    level = serializers.CharField(source="cohort.level")
    required_hours = serializers.IntegerField(source="cohort.required_hours")

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "name", "school_year", "year_of_study", "level", "required_hours"]


class GuardianSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guardian
        fields = ["name", "email", "phone"]


FIELD_GROUPS = {
    IDENTITY: ["id", "first_name", "name_prefix", "last_name", "school", "school_class"],
    PERSONAL: ["student_number", "date_of_birth", "email", "home_postcode"],
    GUARDIANS: ["guardians"],
    GUIDANCE: ["guidance_level"],
    SUPPORT_NEEDS: ["support_needs"],
}


class StudentSerializer(serializers.ModelSerializer):
    guardians = GuardianSerializer(many=True, read_only=True)

    class Meta:
        model = Student
        fields = [f for group in FIELD_GROUPS.values() for f in group]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        groups = student_field_groups(user, instance) | {IDENTITY}
        allowed = {f for g in groups for f in FIELD_GROUPS.get(g, [])}
        return {k: v for k, v in data.items() if k in allowed}


class AccessGrantSerializer(serializers.ModelSerializer):
    grantee = serializers.CharField(source="grantee.username")

    class Meta:
        model = AccessGrant
        fields = [
            "id",
            "school",
            "grantee",
            "school_class",
            "student",
            "include_support_needs",
            "reason",
            "created_at",
            "expires_at",
            "revoked_at",
        ]
