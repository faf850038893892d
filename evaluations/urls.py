from __future__ import annotations

from django.urls import path

from evaluations import follow_up, services
from evaluations.selectors import may_view, visible_evaluations, visible_follow_up_actions
from evaluations.views import common, detail, documents, lists, overview, work
from evaluations.views import follow_up as follow_up_views
from tcp.views import transition

app_name = "evaluations"

urlpatterns = [
    path("", lists.evaluation_list, name="list"),
    path("overview/", overview.evaluation_overview, name="overview"),
    path("schedule/", lists.evaluation_schedule, name="schedule"),
    path("<int:pk>/", detail.evaluation_detail, name="detail"),
    path(
        "<int:pk>/transition/",
        transition,
        {
            "selector": visible_evaluations,
            "lifecycle": services.LIFECYCLE,
            "perform": services.perform,
            # The role's permission, or an invitation to evaluate one.
            "permission": may_view,
        },
        name="transition",
    ),
    path("<int:pk>/plan/", work.plan_edit, name="plan"),
    path("<int:pk>/report/", work.report_edit, name="report"),
    path("<int:pk>/ratings/", work.ratings_edit, name="ratings"),
    path("<int:pk>/snapshot/", work.snapshot_take, name="snapshot"),
    path("<int:pk>/share/", work.share, name="share"),
    path("<int:pk>/recommendations/", work.recommendation_add, name="recommendation_add"),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/",
        work.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/delete/",
        work.recommendation_delete,
        name="recommendation_delete",
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/response/",
        work.response_edit,
        name="response",
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/actions/",
        follow_up_views.action_add,
        name="action_add",
    ),
    path("<int:pk>/documents/", documents.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", documents.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:doc_pk>/delete/",
        documents.document_delete,
        name="document_delete",
    ),
    path("follow-ups/", lists.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", follow_up_views.follow_up_detail, name="follow_up_detail"),
    path(
        "follow-ups/<int:pk>/transition/",
        transition,
        {
            "selector": visible_follow_up_actions,
            "lifecycle": follow_up.FOLLOW_UP_LIFECYCLE,
            "perform": follow_up.perform_follow_up,
            "permission": common.VIEW_FOLLOW_UP,
        },
        name="follow_up_transition",
    ),
    path("follow-ups/<int:pk>/progress/", follow_up_views.progress_add, name="progress_add"),
    path(
        "follow-ups/<int:pk>/evidence/<int:doc_pk>/",
        follow_up_views.evidence_download,
        name="evidence",
    ),
    path("follow-ups/<int:pk>/request/", follow_up_views.request_start, name="request_start"),
]
