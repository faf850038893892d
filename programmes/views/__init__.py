"""Programme pages, one module per part of the stage they serve.

``programme``: the list, drafting (from an assessment or directly), the
programme page, review and acceptance; ``document``: the programme document
a government signs; ``parts``: components, indicators, activities, experts,
partners and grants; ``money``: the budget, expenditure and amendments;
``shell``: what the dashboard and the history browser show. Transitions
post to the core's one transition view (see ``urls``).
"""

from programmes.views.shell import HISTORY_SOURCES, dashboard_blocks

__all__ = ["HISTORY_SOURCES", "dashboard_blocks"]
