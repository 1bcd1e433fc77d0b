from django.contrib import admin

from .models import Answer, AttentionFlag, Evaluation, Question, QuestionSet


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["region", "kind", "version", "active"]
    list_filter = ["kind", "active"]
    inlines = [QuestionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["placement", "kind", "average", "submitted_at"]
    list_filter = ["kind"]
    raw_id_fields = ["placement", "organisation", "vacancy", "submitted_by"]
    inlines = [AnswerInline]


@admin.register(AttentionFlag)
class AttentionFlagAdmin(admin.ModelAdmin):
    list_display = ["organisation", "vacancy", "reason", "created_at", "resolved_at"]
    raw_id_fields = ["organisation", "vacancy", "evaluation", "resolved_by"]
