"""Administrators maintain users, roles, scope and reference data here.

Scope (who acts for a State, whose portfolio a country is, who works in a
presence, which countries a presence covers, which roles a person holds) is
edited on the Country, FieldPresence and User pages, and saved through
tcp.scoping like everywhere else, never as raw permission rows. Direct model
permissions and superuser status cannot be set here at all, and roles (groups)
are defined in code (tcp/roles.py): their pages only show them, with history.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_users_with_perms
from simple_history.admin import SimpleHistoryAdmin

from tcp import scoping
from tcp.models import (
    BoardComponent,
    Country,
    Dispatch,
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


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, with the history read-only: no revert, anywhere.

    History is append-only: a past version is shown, never saved again.
    simple-history's "revert" would post a past version through the plain form
    (no services, no scoping) and checks only the *view* permission, so its
    button is hidden (``SIMPLE_HISTORY_REVERT_DISABLED`` in the settings, and
    here whatever the settings say) and a POST to a version's page is refused.
    """

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class UserRolesForm(UserChangeForm):
    """The user page's form: it picks roles, but never saves groups, direct
    permissions or superuser status itself (``TcpUserAdmin.save_related`` hands
    the roles to tcp.scoping.set_roles)."""

    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        label=_("Roles"),
        widget=admin.widgets.FilteredSelectMultiple(_("roles"), is_stacked=False),
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        exclude = ("groups", "user_permissions", "is_superuser")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["groups"].initial = list(self.instance.groups.all())


@admin.register(User)
class TcpUserAdmin(UserAdmin, HistoryAdmin):
    form = UserRolesForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "groups")}),
        (
            _("Granted outside the admin"),
            {
                "fields": ("is_superuser", "user_permissions"),
                "description": _(
                    "Direct permissions and superuser status widen what a person may see "
                    "and do beyond their roles and scope; they are not set here."
                ),
            },
        ),
        (_("Notifications"), {"fields": ("language", "delivery", "muted_kinds")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    # The person chooses these (Notifications, in the header): not the administrator.
    # The dates are the system's: a form round trip would cut date_joined's
    # microseconds and record a change no one made.
    readonly_fields = (
        "is_superuser",
        "user_permissions",
        "language",
        "delivery",
        "muted_kinds",
        "last_login",
        "date_joined",
    )
    filter_horizontal = ()
    list_display = ("username", "first_name", "last_name", "email", "is_active", "roles")
    list_filter = ("groups", "is_active", "is_staff")

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_change_permission(self, request, obj=None) -> bool:
        # Only a superuser may touch a superuser's account (its password, its
        # roles): otherwise changing it would be a way to become one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if "groups" in form.cleaned_data:
            scoping.set_roles(
                user=form.instance, roles=form.cleaned_data["groups"], by=request.user
            )


class ReadOnly:
    """Shown, never added, changed or deleted in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ReadOnly, HistoryAdmin):
    """Roles are defined in tcp/roles.py and synced after every migrate; a change
    made here would be undone by the next one, so they are only shown."""

    list_display = ("name",)
    search_fields = ("name",)


class CountryScopeForm(forms.ModelForm):
    desk_officer = forms.ModelChoiceField(
        label=_("Desk officer"), queryset=User.objects.none(), required=False
    )
    focal_points = forms.ModelMultipleChoiceField(
        label=_("Focal points"),
        queryset=User.objects.none(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("focal points"), is_stacked=False),
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
class CountryAdmin(HistoryAdmin):
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
    # Declared, and excluded from the model form, so that the form never saves
    # the presence's countries itself: FieldPresenceAdmin hands them to
    # tcp.scoping.set_presence_countries.
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.order_by("name"),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("countries"), is_stacked=False),
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers"),
        queryset=User.objects.none(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("officers"), is_stacked=False),
    )

    class Meta:
        model = FieldPresence
        fields = ("code", "name", "kind", "region", "partner", "is_active")
        # The admin adds every field of its fieldsets to the model form; this keeps
        # the form from saving countries whatever the admin lists.
        exclude = ("countries",)  # noqa: DJ006

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = _members(Role.FIELD_OFFICER)
        if self.instance.pk:
            self.fields["countries"].initial = list(self.instance.countries.all())
            self.fields["officers"].initial = _holders(self.instance, "work_in_presence")


@admin.register(FieldPresence)
class FieldPresenceAdmin(HistoryAdmin):
    form = PresenceForm
    fields = ("code", "name", "kind", "region", "partner", "countries", "is_active", "officers")
    list_display = ("name", "kind", "region", "partner", "is_active")
    list_filter = ("kind", "region", "is_active")
    search_fields = ("name", "code")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        presence = form.instance
        scoping.set_presence_countries(
            presence=presence, countries=form.cleaned_data["countries"], by=request.user
        )
        wanted = set(form.cleaned_data["officers"])
        current = set(_holders(presence, "work_in_presence"))
        for user in wanted - current:
            scoping.add_presence_officer(user=user, presence=presence, by=request.user)
        for user in current - wanted:
            scoping.remove_presence_officer(user=user, presence=presence, by=request.user)


class ReferenceAdmin(HistoryAdmin):
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


class ScopedReadOnlyAdmin(ReadOnly, HistoryAdmin):
    """Domain records are changed through the product's services, not the admin.

    The admin shows them read-only, through the app's selector like every
    other read, with their history.
    """

    selector: Any = None

    def get_queryset(self, request):
        return type(self).selector(request.user)


@admin.register(Dispatch)
class DispatchAdmin(ReadOnly, admin.ModelAdmin):
    """The reminders sent and pending, for the operator: read-only, a delivery log."""

    list_display = ("kind", "due_on", "recipient", "escalation", "status", "email", "sent_at")
    list_filter = ("status", "kind", "escalation", "email")
    search_fields = ("subject", "recipient__username")
    date_hierarchy = "due_on"
    list_select_related = ("recipient",)
