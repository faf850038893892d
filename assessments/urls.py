from __future__ import annotations

from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("plan/<int:request_pk>/", views.assessment_plan, name="plan"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="edit"),
    path("<int:pk>/transition/", views.assessment_transition, name="transition"),
    path("<int:pk>/summary/", views.summary_save, name="summary"),
    path("<int:pk>/consultations/", views.consultation_add, name="consultation_add"),
    path(
        "<int:pk>/consultations/<int:item_pk>/",
        views.consultation_edit,
        name="consultation_edit",
    ),
    path(
        "<int:pk>/consultations/<int:item_pk>/delete/",
        views.consultation_delete,
        name="consultation_delete",
    ),
    path("<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("<int:pk>/findings/<int:item_pk>/", views.finding_edit, name="finding_edit"),
    path("<int:pk>/findings/<int:item_pk>/delete/", views.finding_delete, name="finding_delete"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:doc_pk>/visibility/",
        views.document_visibility,
        name="document_visibility",
    ),
    path(
        "<int:pk>/documents/<int:doc_pk>/delete/",
        views.document_delete,
        name="document_delete",
    ),
]
