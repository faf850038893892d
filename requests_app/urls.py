from __future__ import annotations

from django.urls import path

from requests_app import services
from requests_app.selectors import visible_requests
from requests_app.views import detail, draft, lists
from requests_app.views.recommendations import recommendation_urlpatterns
from tcp.views import transition

app_name = "requests_app"

urlpatterns = [
    path("", lists.request_list, name="list"),
    path("export/", lists.request_export, name="export"),
    path("new/", draft.request_create, name="create"),
    path("<int:pk>/", detail.request_detail, name="detail"),
    path("<int:pk>/edit/", draft.request_edit, name="edit"),
    path("<int:pk>/delete/", draft.request_delete, name="delete"),
    path(
        "<int:pk>/transition/",
        transition,
        {
            "selector": visible_requests,
            "lifecycle": services.LIFECYCLE,
            "perform": services.perform,
            "permission": "requests_app.view_assistancerequest",
        },
        name="transition",
    ),
    path("<int:pk>/messages/", detail.message_post, name="message_post"),
    path("<int:pk>/screening/", detail.screening_post, name="screening"),
    path("<int:pk>/documents/", detail.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", detail.document_download, name="document"),
]

urlpatterns += recommendation_urlpatterns
