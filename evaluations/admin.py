from __future__ import annotations

from django.contrib import admin

from evaluations.models import (
    Evaluation,
    EvaluationCriterion,
    FollowUpAction,
    RatingLevel,
    RatingScale,
)
from evaluations.selectors import visible_evaluations, visible_follow_up_actions
from tcp.admin import HistoryAdmin, ScopedReadOnlyAdmin


@admin.register(Evaluation)
class EvaluationAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(visible_evaluations)
    list_display = ("reference", "programme", "kind", "status", "due_date")
    list_filter = ("status", "kind")
    search_fields = ("reference",)


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(visible_follow_up_actions)
    list_display = ("evaluation", "owner", "due_date", "status", "responsible_state")
    list_filter = ("status", "responsible_state")


# Reference data administrators keep: the scales, and which scale each criterion uses.


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0
    fields = ("label", "code", "value", "description")
    prepopulated_fields = {"code": ("label",)}


@admin.register(RatingScale)
class RatingScaleAdmin(HistoryAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = [RatingLevelInline]


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(HistoryAdmin):
    list_display = ("name", "scale", "is_active", "sort_order")
    list_filter = ("is_active", "scale")
    list_editable = ("scale",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
