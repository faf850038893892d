"""(being built)"""

from __future__ import annotations

from typing import Any

urlpatterns: list = []


def context(programme: Any, user: Any) -> dict[str, Any]:
    """What the programme page shows of this part (see programme_detail)."""
    return {}
