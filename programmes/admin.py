from __future__ import annotations

from django.contrib import admin

from programmes.models import Component, Programme
from programmes.selectors import visible_components, visible_programmes
from tcp.admin import ScopedReadOnlyAdmin


@admin.register(Programme)
class ProgrammeAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(visible_programmes)
    list_display = ("reference", "title", "scope", "status", "start_date", "end_date")
    list_filter = ("status", "scope")
    search_fields = ("reference", "title")


@admin.register(Component)
class ComponentAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(visible_components)
    list_display = ("title", "programme", "thematic_area", "status")
    list_filter = ("status",)
