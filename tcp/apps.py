from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


def _sync_roles(**kwargs: Any) -> None:
    from tcp.roles import sync_roles

    sync_roles()


class TcpConfig(AppConfig):
    name = "tcp"
    verbose_name = gettext_lazy("Technical cooperation: core")

    def ready(self) -> None:
        # Permissions of every app exist once the last app with models has
        # migrated (post_migrate is not sent for apps without models).
        last_app = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
        post_migrate.connect(_sync_roles, sender=last_app, dispatch_uid="tcp.sync_roles")

        from simple_history.signals import post_create_historical_record

        # The checks of TCP_SITE_URL (manage.py check --deploy) register on import.
        import tcp.checks  # noqa: F401
        from tcp import changelog, events, history_views, notifications

        events.subscribe(notifications.plan)
        # Every history record gets its line in the change log, in its transaction.
        post_create_historical_record.connect(changelog.record, dispatch_uid="tcp.changelog")
        # The change log's export and the PDF of a record's history.
        history_views.register()

        # The access log: logins, failures, lockouts, logouts, roles given and taken.
        from axes.signals import user_locked_out
        from django.contrib.auth import signals as auth
        from django.db.models.signals import m2m_changed

        from tcp import access_log, access_views
        from tcp.models import User

        auth.user_logged_in.connect(access_log.logged_in, dispatch_uid="tcp.access.login")
        auth.user_logged_out.connect(access_log.logged_out, dispatch_uid="tcp.access.logout")
        auth.user_login_failed.connect(access_log.login_failed, dispatch_uid="tcp.access.failed")
        user_locked_out.connect(access_log.locked_out, dispatch_uid="tcp.access.lockout")
        m2m_changed.connect(
            access_log.groups_changed, sender=User.groups.through, dispatch_uid="tcp.access.roles"
        )
        access_views.register_export()
