from __future__ import annotations

from django.contrib import admin

from evaluations.models import Evaluation, FollowUpAction
from evaluations.selectors import visible_evaluations, visible_follow_up_actions
from tcp.admin import ScopedReadOnlyAdmin


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
