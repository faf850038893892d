"""Needs-assessment pages, one module per page they serve.

``lists``: the list, planning and re-planning; ``detail``: the assessment
page and the team's work on it (summary, consultations, findings);
``documents``: uploads, downloads and what is shared; ``shell``: what the
dashboard and the history browser show. Transitions post to the core's one
transition view (see ``urls``).
"""

from assessments.views.shell import HISTORY_SOURCES, dashboard_blocks

__all__ = ["HISTORY_SOURCES", "dashboard_blocks"]
