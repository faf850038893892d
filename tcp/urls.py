"""The project's URLs: the only module, with settings, that names every app.

The dashboard and the history browser are core views; each app hands them
what it contributes (its dashboard blocks, its history sources) here, so
the core never imports an app.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments import views as assessment_views
from evaluations import figures as evaluation_figures
from evaluations import views as evaluation_views
from programmes import figures as programme_figures
from programmes import views as programme_views
from requests_app import figures as request_figures
from requests_app import views as request_views
from tcp import (
    access_views,
    exports,
    figures,
    history_views,
    inbox,
    language,
    report_views,
    views,
)

_APPS = (request_views, assessment_views, programme_views, evaluation_views)
DASHBOARD_PROVIDERS = [app.dashboard_blocks for app in _APPS]
HISTORY_SOURCES = [source for app in _APPS for source in app.HISTORY_SOURCES]
history_views.set_sources(HISTORY_SOURCES)
FIGURE_PROVIDERS = [
    app.figure_panels for app in (request_figures, programme_figures, evaluation_figures)
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="tcp/password_change_form.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="tcp/password_change_done.html"),
        name="password_change_done",
    ),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path(
        "",
        views.dashboard,
        {"providers": DASHBOARD_PROVIDERS, "sources": HISTORY_SOURCES},
        name="dashboard",
    ),
    path("figures/", figures.figures, {"providers": FIGURE_PROVIDERS}, name="figures"),
    path("history/", history_views.change_log, name="history"),
    path("history/access/", access_views.access_log, name="access_log"),
    path("history/<str:model>/<int:pk>/", history_views.record_history, name="record_history"),
    path("exports/<slug:code>.<slug:fmt>", exports.export_view, name="export"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/ask/", report_views.ask, name="report_ask"),
    path("reports/<int:pk>/", report_views.report_detail, name="report"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/settings/", inbox.notification_settings, name="notification_settings"),
    path(
        "notifications/<slug:source>/<int:pk>/",
        inbox.notification_open,
        name="notification_open",
    ),
    path("requests/", include("requests_app.urls")),
    path("assessments/", include("assessments.urls")),
    path("programmes/", include("programmes.urls")),
    path("evaluations/", include("evaluations.urls")),
]
