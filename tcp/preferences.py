"""How a person hears of what concerns them: language, delivery, kinds.

Every kind of notification is listed in the application; the preferences
only say which are also e-mailed, in which language, and whether one by one
or in a daily digest. A government focal point cannot mute a reminder that
is compulsory for governments (an overdue action of its own State): the form
shows it checked and disabled, and the service refuses it whatever is posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tcp import l10n, reminders
from tcp.history import acting_as
from tcp.models import Notification, User
from tcp.roles import Role, roles_of

_PREFIX = "kind_"


@dataclass(frozen=True)
class Kind:
    """One kind a person may choose to receive by e-mail."""

    code: str
    label: str
    # True when this person may not mute it.
    compulsory: bool


def kinds_for(user: Any) -> list[Kind]:
    """Lifecycle steps, then every registered reminder kind, as this person sees them."""
    roles = roles_of(user)
    government = Role.FOCAL_POINT in roles
    found = [Kind(Notification.KIND, str(_("Lifecycle steps")), compulsory=False)]
    found += [
        Kind(k.code, str(k.label), compulsory=government and k.compulsory_for_government)
        for k in reminders.kinds()
        if k.may_reach(roles)
    ]
    return found


class PreferencesForm(forms.Form):
    """Language, delivery, and one checkbox per kind: checked means e-mailed."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_(
            "Your pages, e-mails and PDF reports are in this language. "
            "The language list at the top of every page changes it too."
        ),
    )
    delivery = forms.ChoiceField(
        label=_("How to send them"), choices=User.Delivery.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.kinds = kinds_for(user)
        muted = set(user.muted_kinds or [])
        kwargs.setdefault(
            "initial",
            {
                "language": user.language,
                "delivery": user.delivery,
                **{_PREFIX + k.code: k.compulsory or k.code not in muted for k in self.kinds},
            },
        )
        super().__init__(*args, **kwargs)
        for k in self.kinds:
            field = forms.BooleanField(label=k.label, required=False)
            if k.compulsory:
                # A disabled field takes its initial value, never the posted one.
                field.disabled = True
                field.initial = True
                field.help_text = _(
                    "Always e-mailed to a government focal point: "
                    "an overdue action of your State cannot be switched off."
                )
            self.fields[_PREFIX + k.code] = field

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[_PREFIX + k.code] for k in self.kinds]

    def other_fields(self) -> list[forms.BoundField]:
        return [self["language"], self["delivery"]]

    def muted_kinds(self) -> list[str]:
        """The kinds left unchecked (after ``is_valid``)."""
        return [k.code for k in self.kinds if not self.cleaned_data[_PREFIX + k.code]]


def save_preferences(*, user: Any, language: str, delivery: str, muted_kinds: list[str]) -> None:
    """Save how ``user`` hears of things; the change is in the User history, by them.

    Raises ``ValidationError`` when a focal point tries to mute a kind that is
    compulsory for governments, or on an unknown language or delivery.
    """
    offered = {k.code: k for k in kinds_for(user)}
    refused = [offered[c].label for c in muted_kinds if c in offered and offered[c].compulsory]
    if refused:
        raise ValidationError(
            _("A government focal point always receives: %(kinds)s.")
            % {"kinds": l10n.join(refused)},
            code="compulsory",
        )
    fields = ["language", "delivery", "muted_kinds"]
    with transaction.atomic(), acting_as(user):
        person = User.objects.select_for_update().get(pk=user.pk)
        before = [getattr(person, f) for f in fields]
        # Codes of kinds not registered now (a stage app turned off) stay as
        # they were: the person's choice outlives a deployment without them.
        kept = [c for c in person.muted_kinds or [] if c not in offered]
        person.language = language
        person.delivery = delivery
        person.muted_kinds = sorted({*kept, *(c for c in muted_kinds if c in offered)})
        # Only what this service writes: an old account's other fields are not its business.
        person.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in fields])
        # An unchanged form writes no history row that says nothing.
        if [getattr(person, f) for f in fields] != before:
            person.save(update_fields=fields)
    for f in fields:
        setattr(user, f, getattr(person, f))
