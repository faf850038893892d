from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles(**kwargs: Any) -> None:
    from tcp.roles import sync_roles

    sync_roles()


class TcpConfig(AppConfig):
    name = "tcp"
    verbose_name = "Technical cooperation: core"

    def ready(self) -> None:
        # Permissions of every app exist once the last app with models has
        # migrated (post_migrate is not sent for apps without models).
        last_app = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
        post_migrate.connect(_sync_roles, sender=last_app, dispatch_uid="tcp.sync_roles")

        from tcp import events, notifications

        events.subscribe(notifications.plan)
