from __future__ import annotations

from django.urls import path

from assessments import services
from assessments.selectors import visible_assessments
from assessments.views import common, detail, documents, lists
from tcp.views import transition

app_name = "assessments"

urlpatterns = [
    path("", lists.assessment_list, name="list"),
    path("plan/<int:request_pk>/", lists.assessment_plan, name="plan"),
    path("<int:pk>/", detail.assessment_detail, name="detail"),
    path("<int:pk>/edit/", lists.assessment_edit, name="edit"),
    path(
        "<int:pk>/transition/",
        transition,
        {
            "selector": visible_assessments,
            "lifecycle": services.LIFECYCLE,
            "perform": services.perform,
            "permission": common.may_view,
        },
        name="transition",
    ),
    path("<int:pk>/summary/", detail.summary_save, name="summary"),
    path("<int:pk>/consultations/", detail.consultation_add, name="consultation_add"),
    path(
        "<int:pk>/consultations/<int:item_pk>/",
        detail.consultation_edit,
        name="consultation_edit",
    ),
    path(
        "<int:pk>/consultations/<int:item_pk>/delete/",
        detail.consultation_delete,
        name="consultation_delete",
    ),
    path("<int:pk>/findings/", detail.finding_add, name="finding_add"),
    path("<int:pk>/findings/<int:item_pk>/", detail.finding_edit, name="finding_edit"),
    path("<int:pk>/findings/<int:item_pk>/delete/", detail.finding_delete, name="finding_delete"),
    path("<int:pk>/documents/", documents.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", documents.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:doc_pk>/visibility/",
        documents.document_visibility,
        name="document_visibility",
    ),
    path(
        "<int:pk>/documents/<int:doc_pk>/delete/",
        documents.document_delete,
        name="document_delete",
    ),
]
