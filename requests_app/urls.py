from __future__ import annotations

from django.urls import path

from requests_app import views
from requests_app.recommendation_views import recommendation_urlpatterns

app_name = "requests_app"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("export/", views.request_export, name="export"),
    path("new/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/transition/", views.request_transition, name="transition"),
    path("<int:pk>/messages/", views.message_post, name="message_post"),
    path("<int:pk>/screening/", views.screening_post, name="screening"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document"),
]

urlpatterns += recommendation_urlpatterns
