"""``makemessages`` that also extracts ``_l("…")``, the project's alias of
``gettext_lazy`` for labels in lifecycle tables (see Django's documentation,
"Customizing the makemessages command")."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
