from __future__ import annotations

from django.contrib import admin

from requests_app.models import AssistanceRequest
from requests_app.selectors import visible_requests
from tcp.admin import ScopedReadOnlyAdmin


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(visible_requests)
    list_display = ("reference", "title", "country", "status", "created_at")
    list_filter = ("status", "country__region")
    search_fields = ("reference",)
