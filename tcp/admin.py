"""Administrators maintain users, roles, scope and reference data here.

Scope (who acts for a State, whose portfolio a country is, who works in a
presence) is edited on the Country and FieldPresence pages, and saved
through tcp.scoping like everywhere else, never as raw permission rows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from guardian.shortcuts import get_users_with_perms
from simple_history.admin import SimpleHistoryAdmin

from tcp import scoping
from tcp.models import (
    BoardComponent,
    Country,
    FieldPresence,
    FormOfAssistance,
    FundingSource,
    Mechanism,
    PartnerOrganisation,
    SustainableDevelopmentGoal,
    ThematicArea,
    User,
)
from tcp.roles import Role


def _holders(obj: Any, codename: str) -> list[User]:
    return list(get_users_with_perms(obj, only_with_perms_in=[codename], with_group_users=False))


def _members(role: Role):
    return User.objects.filter(groups__name=role.value, is_active=True).order_by("username")


@admin.register(User)
class TcpUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "roles")
    list_filter = ("groups", "is_active", "is_staff")

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


class CountryScopeForm(forms.ModelForm):
    desk_officer = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    focal_points = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("focal points", is_stacked=False),
    )

    class Meta:
        model = Country
        fields = ("iso2", "iso3", "name", "region", "is_least_developed", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desk_officer"].queryset = _members(Role.DESK_OFFICER)
        self.fields["focal_points"].queryset = _members(Role.FOCAL_POINT)
        if self.instance.pk:
            officers = _holders(self.instance, "manage_country")
            self.fields["desk_officer"].initial = officers[0] if officers else None
            self.fields["focal_points"].initial = _holders(self.instance, "act_for_country")


@admin.register(Country)
class CountryAdmin(SimpleHistoryAdmin):
    form = CountryScopeForm
    list_display = ("name", "iso3", "region", "is_least_developed", "is_active")
    list_filter = ("region", "is_least_developed", "is_active")
    search_fields = ("name", "iso2", "iso3")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        scoping.set_desk_officer(
            country=obj, user=form.cleaned_data["desk_officer"], by=request.user
        )
        wanted = set(form.cleaned_data["focal_points"])
        current = set(_holders(obj, "act_for_country"))
        for user in wanted - current:
            scoping.assign_focal_point(user=user, country=obj, by=request.user)
        for user in current - wanted:
            scoping.remove_focal_point(user=user, country=obj, by=request.user)


class PresenceForm(forms.ModelForm):
    officers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("officers", is_stacked=False),
    )

    class Meta:
        model = FieldPresence
        fields = ("code", "name", "kind", "region", "partner", "countries", "is_active")
        widgets = {"countries": admin.widgets.FilteredSelectMultiple("countries", False)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = _members(Role.FIELD_OFFICER)
        if self.instance.pk:
            self.fields["officers"].initial = _holders(self.instance, "work_in_presence")


@admin.register(FieldPresence)
class FieldPresenceAdmin(SimpleHistoryAdmin):
    form = PresenceForm
    list_display = ("name", "kind", "region", "partner", "is_active")
    list_filter = ("kind", "region", "is_active")
    search_fields = ("name", "code")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        presence = form.instance
        wanted = set(form.cleaned_data["officers"])
        current = set(_holders(presence, "work_in_presence"))
        for user in wanted - current:
            scoping.add_presence_officer(user=user, presence=presence, by=request.user)
        for user in current - wanted:
            scoping.remove_presence_officer(user=user, presence=presence, by=request.user)


class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


for model in (ThematicArea, FormOfAssistance, FundingSource):
    admin.site.register(model, ReferenceAdmin)


@admin.register(Mechanism)
class MechanismAdmin(ReferenceAdmin):
    list_display = ("name", "abbreviation", "kind", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(PartnerOrganisation)
class PartnerAdmin(ReferenceAdmin):
    list_display = ("name", "acronym", "kind", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(BoardComponent, SustainableDevelopmentGoal)
class NumberedAdmin(ReferenceAdmin):
    list_display = ("number", "name", "is_active")


class ScopedReadOnlyAdmin(SimpleHistoryAdmin):
    """Domain records are changed through the product's services, not the admin.

    The admin shows them read-only, through the app's selector like every
    other read, with their history.
    """

    selector: Any = None

    def get_queryset(self, request):
        return type(self).selector(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
