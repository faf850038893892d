from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the embedded default; it spans every stage, so it sits
    outside the apps rather than making an early stage import a later one."""

    name = "demo"
    verbose_name = "Demo data"
