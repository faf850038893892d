from __future__ import annotations

from django.contrib import admin

from assessments.models import NeedsAssessment
from assessments.selectors import visible_assessments
from tcp.admin import ScopedReadOnlyAdmin


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(visible_assessments)
    list_display = ("reference", "country", "mode", "status", "due_date")
    list_filter = ("status", "mode")
    search_fields = ("reference",)
