"""Who did it, and only what happened: the history of every model.

**The acting user.** Web requests and the admin are covered by simple-history's
middleware. A Celery task or a management command has no request, so it names
its actor with ``acting_as(user)``; every history record written inside the
block carries that user. An explicit actor wins over the request's user, so a
service called from a view with ``by=`` records the same person either way.

**Only what happened.** ``history()`` builds ``TcpHistoricalRecords``: an update
that changes none of the tracked fields (nor the many-to-many relations kept
in history) writes no history record, so no change-log line says "changed"
when nothing was. Creations and deletions always write one.

**Bulk writes.** ``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()``
send no signal, so on a model with history they would change records with no
history record and no change-log line. Use ``bulk_create`` / ``bulk_update``
below instead: simple-history's bulk history with the acting user, then the
change log's lines (``tcp.changelog.record_many``). The test suite installs
``install_write_guard()``, which refuses the plain calls on a model with
history, and a static test refuses them in the source.

``untracked()`` lets plain bulk writes through. It is allowed only where the
history is written otherwise (the recommendation import writes the rows of
its own bulk insert) or where there must be none (a data migration on the
historical app registry, a test setting up data); say why at the call.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

_acting_user: ContextVar[Any] = ContextVar("tcp_acting_user", default=None)
_raw_writes: ContextVar[bool] = ContextVar("tcp_raw_writes", default=False)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def current_actor() -> Any:
    return _acting_user.get()


def _get_history_user(instance: Any, request: Any = None, **kwargs: Any) -> Any:
    actor = _acting_user.get()
    if actor is not None:
        return actor
    if request is not None:
        return request.user
    return None


# --- no record for a save that changed nothing ---


class TcpHistoricalRecords(HistoricalRecords):
    """simple-history's records, minus the update that changed nothing.

    Before writing an update ("~", from ``post_save`` or a many-to-many
    change) it reads the record's latest history row (one query, plus one per
    many-to-many field kept in history) and writes nothing when every tracked
    field and every kept relation is what that row says. Fields that change by
    themselves on every save (``auto_now``) are not compared.
    """

    def create_historical_record(self, instance: Any, history_type: str, using: Any = None):
        if history_type == "~" and self._unchanged(instance):
            return None
        return super().create_historical_record(instance, history_type, using=using)

    def _unchanged(self, instance: Any) -> bool:
        manager = getattr(instance, self.manager_name)
        history_model = manager.model
        order = (
            "-history_id"
            if isinstance(history_model._meta.pk, models.AutoField)
            else "-history_date"
        )
        latest = manager.order_by(order).first()
        if latest is None or latest.history_type == "-":
            return False
        for field in self.fields_included(instance):
            if getattr(field, "auto_now", False):
                continue
            if not _same(field, getattr(instance, field.attname), getattr(latest, field.attname)):
                return False
        for field in self.get_m2m_fields_from_model(type(instance)):
            through = getattr(type(instance), field.name).through
            m2m_history = self.m2m_models[field]
            source = field.m2m_field_name()
            names = [
                f.attname
                for f in through._meta.concrete_fields
                if not f.primary_key and f.name != source
            ]
            now = set(through._default_manager.filter(**{source: instance}).values_list(*names))
            then = set(m2m_history._default_manager.filter(history=latest).values_list(*names))
            if now != then:
                return False
        return True


def _same(field: models.Field, a: Any, b: Any) -> bool:
    if a == b:
        return True
    try:
        return field.to_python(a) == field.to_python(b)
    except Exception:
        return False


def history(**kwargs: Any) -> HistoricalRecords:
    """HistoricalRecords that find the actor through ``acting_as`` or the request,
    and write nothing for a save that changed nothing."""
    kwargs.setdefault("get_user", _get_history_user)
    return TcpHistoricalRecords(**kwargs)


# --- bulk writes with history ---


def has_history(model: type[models.Model]) -> bool:
    """A model whose saves simple-history records (not a historical model itself)."""
    return hasattr(model._meta, "simple_history_manager_attribute")


@contextmanager
def untracked() -> Iterator[None]:
    """Let plain ``update()``/``bulk_create()``/``bulk_update()`` through (see above)."""
    token = _raw_writes.set(True)
    try:
        yield
    finally:
        _raw_writes.reset(token)


def raw_writes_allowed() -> bool:
    return _raw_writes.get()


def bulk_create(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    batch_size: int | None = None,
    default_change_reason: str | None = None,
    default_date: Any = None,
) -> list[Any]:
    """``model.objects.bulk_create(objs)`` with one "+" history record each (the
    acting user's) and their change-log lines. Returns the objects, with ids."""
    objs = list(objs)
    if not objs:
        return []
    with transaction.atomic(), untracked():
        created = model._default_manager.bulk_create(objs, batch_size=batch_size)
        _record(
            model,
            created,
            update=False,
            batch_size=batch_size,
            reason=default_change_reason,
            when=default_date,
        )
    return created


def bulk_update(
    model: type[models.Model],
    objs: Sequence[models.Model],
    fields: Sequence[str],
    *,
    batch_size: int | None = None,
    default_change_reason: str | None = None,
    default_date: Any = None,
) -> int:
    """``model.objects.bulk_update(objs, fields)`` with one "~" history record
    each (the acting user's) and their change-log lines. Returns the rows updated."""
    objs = list(objs)
    if not objs:
        return 0
    with transaction.atomic(), untracked():
        count = model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        _record(
            model,
            objs,
            update=True,
            batch_size=batch_size,
            reason=default_change_reason,
            when=default_date,
        )
    return count


def _record(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    update: bool,
    batch_size: int | None,
    reason: str | None,
    when: Any,
) -> list[Any]:
    """simple-history's ``bulk_history_create`` (as its ``bulk_*_with_history``
    helpers call it), plus what those leave out: the many-to-many snapshot of
    each new row, and the change log."""
    from tcp import changelog

    if any(o.pk is None for o in objs):
        raise ValueError("Bulk history needs the objects' ids (no ignore_conflicts).")
    rows = model.history.bulk_history_create(
        objs,
        batch_size=batch_size,
        update=update,
        default_user=current_actor(),
        default_change_reason=reason or "",
        default_date=when or timezone.now(),
    )
    rows = list(rows or [])
    if rows and rows[0].pk is None:
        # A backend that returns no ids from a bulk insert: read them back.
        ids = [o.pk for o in objs]
        rows = list(
            model.history.filter(**{f"{model._meta.pk.attname}__in": ids}).order_by("-history_id")[
                : len(ids)
            ]
        )
    _snapshot_m2m(model, rows)
    changelog.record_many(model, rows)
    return rows


def _snapshot_m2m(model: type[models.Model], rows: Sequence[Any]) -> None:
    """Copy each record's current many-to-many rows kept in history onto its new
    history row, as ``create_historical_record_m2ms`` does for a save."""
    if not rows:
        return
    history_model = model.history.model
    for field in getattr(history_model, "_history_m2m_fields", []):
        through = getattr(model, field.name).through
        m2m_history = getattr(history_model, field.name).model
        source = field.m2m_field_name()
        source_attname = through._meta.get_field(source).attname
        names = [f.attname for f in through._meta.concrete_fields]
        by_record: dict[Any, list[Any]] = {}
        ids = [getattr(r, model._meta.pk.attname) for r in rows]
        for values in through._default_manager.filter(**{f"{source}__in": ids}).values(*names):
            by_record.setdefault(values[source_attname], []).append(values)
        m2m_history._default_manager.bulk_create(
            [
                m2m_history(history=row, **values)
                for row in rows
                for values in by_record.get(getattr(row, model._meta.pk.attname), [])
            ]
        )


# --- the guard the tests install ---


class UntrackedWrite(Exception):
    """A plain bulk write on a model with history, outside ``untracked()``."""


def install_write_guard(exempt: Any = None) -> None:
    """Make ``QuerySet.update``/``bulk_create``/``bulk_update`` refuse a model
    with history outside ``untracked()`` (and so outside the helpers above).

    ``exempt(filename)``, if given, is asked with the file of the code that
    called the write (the tests let their own data set-up through)."""
    from django.db.models.deletion import Collector
    from django.db.models.query import QuerySet

    if getattr(QuerySet, "_tcp_write_guard", False):
        return
    for name in ("update", "bulk_create", "bulk_update"):
        setattr(QuerySet, name, _guarded(name, getattr(QuerySet, name), exempt))
    QuerySet._tcp_write_guard = True

    # A deletion's own updates (``on_delete=SET_NULL`` / ``SET_DEFAULT`` on the
    # records pointing at it) are Django's, not a bulk write of the product: the
    # deletion is recorded; the referencing records' next history row shows the
    # emptied link.
    original_delete = Collector.delete

    def delete(self: Any) -> Any:
        with untracked():
            return original_delete(self)

    Collector.delete = delete


def _caller_file() -> str:
    """The file of the first frame outside Django and this module."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if "/django/" not in name and name != __file__:
            return name
        frame = frame.f_back
    return ""


def _guarded(name: str, original: Any, exempt: Any) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            has_history(self.model)
            and not _raw_writes.get()
            and not (exempt is not None and exempt(_caller_file()))
        ):
            raise UntrackedWrite(
                f"{self.model._meta.label}: QuerySet.{name}() writes no history. Use save() "
                f"under acting_as, tcp.history.bulk_create/bulk_update, or untracked() "
                f"with a reason."
            )
        return original(self, *args, **kwargs)

    method.__name__ = name
    method.__wrapped__ = original
    return method
