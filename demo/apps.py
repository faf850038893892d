from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DemoConfig(AppConfig):
    """Demo data for the embedded default; it spans every stage, so it sits
    outside the apps rather than making an early stage import a later one."""

    name = "demo"
    verbose_name = gettext_lazy("Demo data")
