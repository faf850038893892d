"""Evaluation pages, one module per page they serve.

``lists``: the lists and scheduling by hand; ``detail``: the evaluation page;
``work``: the plan, the report, the ratings, the snapshot, the recommendations
and responses; ``documents``: uploads and downloads; ``follow_up``: the
actions, their progress and the requests they start; ``overview``: the
figures for OHCHR; ``shell``: what the dashboard and the history browser show.
Transitions post to the core's one transition view (see ``urls``).
"""

from evaluations.views.common import VIEW, VIEW_FOLLOW_UP
from evaluations.views.shell import HISTORY_SOURCES, dashboard_blocks

__all__ = ["HISTORY_SOURCES", "VIEW", "VIEW_FOLLOW_UP", "dashboard_blocks"]
