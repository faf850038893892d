"""A migration operation for labels only: verbose names, help texts, choices'
labels, ``Meta`` options a person reads.

Such a change touches no table, yet Django's ``AlterField`` re-renders the
model and every model related to it, once per field: making every field's
name translatable (about 840 fields and models) took minutes on each
``migrate`` and at the start of each test run. ``AlterLabels`` applies the
same ``AlterField``/``AlterModelOptions`` operations to the migration state
and re-renders the touched models once.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.migrations.state import ProjectState


class AlterLabels(migrations.operations.base.Operation):
    """Wraps ``AlterField`` and ``AlterModelOptions`` operations whose only
    changes are labels; the database is not touched in either direction."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, operations: list[migrations.AlterField | migrations.AlterModelOptions]):
        for operation in operations:
            if not isinstance(operation, migrations.AlterField | migrations.AlterModelOptions):
                raise TypeError(f"AlterLabels takes no {type(operation).__name__}")
        self.operations = operations

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        touched = set()
        for operation in self.operations:
            if isinstance(operation, migrations.AlterField):
                key = (app_label, operation.model_name_lower)
                fields = state.models[key].fields
                old = fields.pop(operation.name)
                # Keep the relation index in step, as ProjectState.alter_field does.
                if state._relations is not None and old.is_relation:
                    state.resolve_model_field_relations(key, operation.name, old)
                fields[operation.name] = operation.field
                if state._relations is not None and operation.field.is_relation:
                    state.resolve_model_field_relations(key, operation.name, operation.field)
            else:
                key = (app_label, operation.name_lower)
                model_state = state.models[key]
                model_state.options = {**model_state.options, **operation.options}
                for option in operation.ALTER_OPTION_KEYS:
                    if option not in operation.options:
                        model_state.options.pop(option, False)
            touched.add(key)
        state.reload_models(sorted(touched), delay=False)

    def database_forwards(self, *args: Any) -> None:
        pass

    def database_backwards(self, *args: Any) -> None:
        pass

    def describe(self) -> str:
        return f"Change the labels of {len(self.operations)} fields and models (no table change)"

    @property
    def migration_name_fragment(self) -> str:
        return "labels"
