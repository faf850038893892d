"""Request pages, one module per page they serve.

``lists``: the list and its CSV export; ``detail``: the request page and what
is posted from it (messages, screening, documents); ``draft``: the focal
point's guided form; ``recommendations``: the mechanisms' recommendations;
``shell``: what the dashboard and the history browser show of requests.
Transitions post to the core's one transition view (see ``urls``).
"""

from requests_app.views.shell import HISTORY_SOURCES, dashboard_blocks

__all__ = ["HISTORY_SOURCES", "dashboard_blocks"]
