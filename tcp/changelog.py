"""The change log: one ``ChangeEvent`` per history record, written with it.

simple-history writes a historical row for every save and delete of a model
with history; ``record`` (connected to ``post_create_historical_record``)
adds the log's line in the same transaction: who, when, what kind of change,
the record and the record page it belongs to, its country, and the fields
that changed with their old and new values (related records by their names
as they were then). The bulk helpers of ``tcp.history`` call ``record_many``
for the rows they write, since simple-history sends no signal for those.

A transition saves its record and writes a ``StatusChange``: the log shows it
once, as the readable step with its note (``lifecycle.apply`` marks the
record it saves, and a ``StatusChange``'s own history adds no line).

Reading is ``readable``: the field labels, choice labels and money of a
page of events, with no query.
"""

from __future__ import annotations

import datetime
import decimal
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcp import l10n, translated
from tcp.models import ChangeEvent, Country, ReferenceModel, User

logger = logging.getLogger(__name__)

A = ChangeEvent.Action
ACTIONS = {"+": A.CREATED, "~": A.CHANGED, "-": A.DELETED}
# Bookkeeping fields no one reads as a change.
IGNORED_FIELDS = {"id", "created_at", "updated_at"}
# Decimal fields that are money (US$), shown as money.
MONEY_FIELDS = {"amount", "budget", "spent"}
# The longest text a change keeps of a value (a long description is cut, not lost:
# the history table keeps it whole).
TEXT_LIMIT = 2000
# Models whose history adds no line: a status change is its transition's line.
SKIPPED = {"tcp.statuschange"}
# Related models that are never a record's page (reference data and people).
_NOT_ANCHORS = (User, Group, Permission, Country, ContentType, ReferenceModel)


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


# --- writing ---


def record(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """The log's line(s) for one new historical row (the signal's receiver)."""
    model = type(instance)
    if label_of(model) in SKIPPED:
        return
    try:
        write_events(model, instance, history_instance)
    except Exception:
        # The log must never break the change it records; the history row stands,
        # and ``rebuild_change_log`` writes the line from it.
        logger.exception("Change log line for %s %s not written", model, instance.pk)


def record_many(
    model: type[models.Model], history_rows: Iterable[Any], objects: Iterable[Any] = ()
) -> None:
    """Lines for history rows written in bulk (no signal is sent for those), in a
    few queries whatever their number: the previous rows, the related records
    and the relations they name are read once for the batch (``objects``, the
    records just written, lend the related records they hold already)."""
    if label_of(model) in SKIPPED:
        return
    rows = list(history_rows)
    if not rows:
        return
    live = {obj.pk: obj for obj in objects}
    batch = _Batch(model, rows, live.values())
    token = _batch.set(batch)
    try:
        events = [e for row in rows for e in _events(model, batch.instance(row, live), row)]
    finally:
        _batch.reset(token)
    ChangeEvent.objects.bulk_create(events, batch_size=1000)


class _Batch:
    """What the lines of a batch of history rows read, read once."""

    def __init__(self, model: type[models.Model], rows: list[Any], objects: Iterable[Any]) -> None:
        self.objects: dict[tuple[str, Any], Any] = {}
        for obj in objects:
            for f in obj._meta.concrete_fields:
                if f.is_relation and f.many_to_one and f.is_cached(obj):
                    related = f.get_cached_value(obj)
                    if related is not None:
                        self.objects[(label_of(type(related)), related.pk)] = related
        wanted: dict[Any, set] = defaultdict(set)
        for row in rows:
            for f in model._meta.concrete_fields:
                if f.is_relation and f.many_to_one:
                    pk = getattr(row, f.attname, None)
                    if pk is not None and (label_of(f.related_model), pk) not in self.objects:
                        wanted[f.related_model].add(pk)
        for related_model, pks in wanted.items():
            for pk, obj in related_model._default_manager.in_bulk(sorted(pks)).items():
                self.objects[(label_of(related_model), pk)] = obj
        self.previous: dict[int, Any] = {}
        changed = sorted({row.id for row in rows if row.history_type == "~"})
        if changed:
            last = max(row.history_id for row in rows)
            earlier: dict[Any, list[Any]] = defaultdict(list)
            for h in model.history.filter(id__in=changed, history_id__lt=last).order_by(
                "history_id"
            ):
                earlier[h.id].append(h)
            for row in rows:
                if row.history_type == "~":
                    before = [h for h in earlier[row.id] if h.history_id < row.history_id]
                    self.previous[row.history_id] = before[-1] if before else None
        self.m2m: dict[tuple[int, str], set] = defaultdict(set)
        history_ids = [r.history_id for r in rows]
        history_ids += [p.history_id for p in self.previous.values() if p is not None]
        for field in getattr(rows[0], "_history_m2m_fields", []):
            kept = getattr(rows[0], field.name).model
            target = f"{field.m2m_reverse_field_name()}_id"
            for history_id, target_id in kept.objects.filter(
                history_id__in=history_ids
            ).values_list("history_id", target):
                self.m2m[(history_id, field.name)].add(target_id)
        self.countries: dict[tuple[str, Any], list[int]] = {}

    def instance(self, row: Any, live: dict[Any, Any]) -> Any:
        """The record as the row has it: the one just written, or rebuilt from the
        row with the related records the batch read."""
        if row.history_type != "-" and row.id in live:
            return live[row.id]
        instance = row.instance
        for f in instance._meta.concrete_fields:
            if f.is_relation and f.many_to_one:
                related = self.objects.get((label_of(f.related_model), getattr(row, f.attname)))
                if related is not None:
                    f.set_cached_value(instance, related)
        return instance

    def related(self, model: Any, pk: Any) -> Any:
        key = (label_of(model), pk)
        if key not in self.objects:
            self.objects[key] = model._default_manager.filter(pk=pk).first()
        return self.objects[key]


_batch: ContextVar[_Batch | None] = ContextVar("tcp_changelog_batch", default=None)


def write_events(model: type[models.Model], instance: Any, history: Any) -> list[ChangeEvent]:
    return ChangeEvent.objects.bulk_create(_events(model, instance, history))


def _events(model: type[models.Model], instance: Any, history: Any) -> list[ChangeEvent]:
    transition = getattr(instance, "_tcp_transition", None)
    action = ACTIONS.get(history.history_type, A.CHANGED)
    changes = _changes(model, history)
    fields = {
        "at": history.history_date,
        "user_id": history.history_user_id,
        "action": action,
        "model": label_of(model),
        "object_id": instance.pk if instance.pk is not None else history.id,
        "label": _label(instance),
        "history_id": history.history_id,
    }
    if transition is not None:
        step, before, after, note, status = transition
        fields.update(
            action=A.TRANSITION,
            transition=step,
            from_status=before,
            to_status=after,
            note=note,
        )
        changes = [c for c in changes if c["field"] != status]
        # Marked once: a later save of the same object is an ordinary change.
        instance._tcp_transition = None
    elif action == A.CHANGED and not changes:
        return []
    anchor = _anchor(instance)
    fields.update(
        anchor_model=label_of(type(anchor)),
        anchor_id=anchor.pk,
        reference=(getattr(anchor, "reference", "") or "")[:40],
        changes=changes,
    )
    private = _is_private(anchor)
    if not private and transition is not None:
        _share(anchor)
    fields["private"] = private
    countries = countries_of(anchor) or [None]
    return [
        ChangeEvent(**fields, country_id=country, is_primary=index == 0)
        for index, country in enumerate(countries)
    ]


# Records that are their State's own in some states (a request's draft), by model:
# their changes stay out of the log until the record is shared.
_private_while: dict[str, Callable[[Any], bool]] = {}


def register_private(model: type[models.Model], predicate: Callable[[Any], bool]) -> None:
    _private_while[label_of(model)] = predicate


def _is_private(anchor: Any) -> bool:
    predicate = _private_while.get(label_of(type(anchor)))
    return bool(predicate and anchor.pk and predicate(anchor))


def _share(anchor: Any) -> None:
    """A step shared the record: its earlier lines join the log (the index only;
    the history rows themselves are never touched)."""
    label = label_of(type(anchor))
    if label in _private_while:
        ChangeEvent.objects.filter(anchor_model=label, anchor_id=anchor.pk, private=True).update(
            private=False
        )


def _canonical(obj: Any) -> str:
    """How ``obj`` is named in the log: as stored, in the site's language
    (reference names in English), translated when read (:func:`readable`)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(obj)


def _label(instance: Any) -> str:
    try:
        return _canonical(instance)[:300]
    except Exception:  # a deleted record whose str needs a deleted parent
        return f"#{instance.pk}"


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    history_model = model.history.model
    names = {f.attname for f in history_model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname in names and f.name not in IGNORED_FIELDS
    ]


def _changes(model: type[models.Model], history: Any) -> list[dict[str, Any]]:
    """The fields that changed, as [{"field", "old", "new", "old_label", "new_label"}]."""
    fields = _tracked_fields(model)
    kind = history.history_type
    if kind in ("+", "-"):
        # A new record's values, or a deleted record's last values.
        rows = []
        for f in fields:
            value = getattr(history, f.attname)
            if value in (None, "") or (value is False and kind == "+"):
                continue
            old, new = (None, value) if kind == "+" else (value, None)
            rows.append(_change(f, old, new))
        return rows
    batch = _batch.get()
    previous = batch.previous.get(history.history_id) if batch else history.prev_record
    if previous is None:
        return []
    rows = []
    for f in fields:
        old, new = getattr(previous, f.attname), getattr(history, f.attname)
        if old != new:
            rows.append(_change(f, old, new))
    rows.extend(_m2m_changes(history, previous))
    return rows


def _change(f: models.Field, old: Any, new: Any) -> dict[str, Any]:
    row = {"field": f.name, "old": _plain(old), "new": _plain(new)}
    if f.is_relation and f.many_to_one:
        row["old_label"] = _related_label(f.related_model, old)
        row["new_label"] = _related_label(f.related_model, new)
    return row


def _m2m_changes(history: Any, previous: Any) -> list[dict[str, Any]]:
    rows = []
    for field in getattr(history, "_history_m2m_fields", []):
        target = field.related_model
        attname = field.m2m_reverse_field_name()
        batch = _batch.get()
        if batch is not None:
            now = batch.m2m[(history.history_id, field.name)]
            before = batch.m2m[(previous.history_id, field.name)]
        else:
            now = {getattr(r, f"{attname}_id") for r in getattr(history, field.name).all()}
            before = {getattr(r, f"{attname}_id") for r in getattr(previous, field.name).all()}
        added, removed = now - before, before - now
        if not added and not removed:
            continue
        names = {
            o.pk: _canonical(o) for o in target._default_manager.filter(pk__in=added | removed)
        }
        rows.append(
            {
                "field": field.name,
                "added": sorted(names.get(pk, f"#{pk}") for pk in added),
                "removed": sorted(names.get(pk, f"#{pk}") for pk in removed),
            }
        )
    return rows


def _plain(value: Any) -> Any:
    """A JSON value: numbers and text as they are, money and dates as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"


def _related_label(model: type[models.Model], pk: Any) -> str:
    if pk is None:
        return ""
    batch = _batch.get()
    obj = batch.related(model, pk) if batch else model._default_manager.filter(pk=pk).first()
    return _canonical(obj)[:200] if obj is not None else f"#{pk}"


def _parent(obj: Any) -> Any:
    """The record ``obj`` belongs to (its request, programme, evaluation, …), or None."""
    for f in obj._meta.concrete_fields:
        if not (f.is_relation and f.many_to_one) or issubclass(f.related_model, _NOT_ANCHORS):
            continue
        pk = getattr(obj, f.attname, None)
        if pk is None:
            continue
        batch = _batch.get()
        if batch is not None:
            return batch.related(f.related_model, pk)
        try:
            return getattr(obj, f.name)
        except models.ObjectDoesNotExist:  # deleted with it
            return None
    return None


def _anchor(instance: Any) -> Any:
    """The record whose page shows ``instance``: itself when it has a reference,
    else its nearest parent with one (else its farthest parent, else itself)."""
    current = instance
    for _depth in range(4):
        if getattr(current, "reference", ""):
            return current
        parent = _parent(current)
        if parent is None:
            return current
        current = parent
    return current


def countries_of(record: Any) -> list[int]:
    """The countries of a record: its own, or its parent's (first found)."""
    current = record
    for _depth in range(4):
        # Its country (a request's), or the country a grant is on (``content_object``).
        for f in current._meta.concrete_fields:
            if f.is_relation and f.many_to_one and f.related_model is Country:
                country_id = getattr(current, f.attname, None)
                if country_id is not None:
                    return [country_id]
        meta = current._meta
        if any(f.name == "countries" for f in meta.many_to_many) and current.pk:
            ids = _country_ids(current)
            if ids:
                return ids
        parent = _parent(current)
        if parent is None:
            return []
        current = parent
    return []


def _country_ids(record: Any) -> list[int]:
    batch = _batch.get()
    key = (label_of(type(record)), record.pk)
    if batch is not None and key in batch.countries:
        return batch.countries[key]
    ids = sorted(record.countries.values_list("pk", flat=True))
    if batch is not None:
        batch.countries[key] = ids
    return ids


# --- reading ---


@dataclass(frozen=True)
class Change:
    label: str
    old: str = ""
    new: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except LookupError:
        return label


def readable(event: ChangeEvent) -> list[Change]:
    """The event's changes as a person reads them: field labels, choice labels,
    money as money, related records by name (no query)."""
    try:
        model = apps.get_model(event.model)
    except LookupError:
        model = None
    result = []
    for row in event.changes:
        field = _field(model, row["field"])
        label = str(field.verbose_name).capitalize() if field is not None else row["field"]
        if "added" in row:
            result.append(
                Change(
                    label,
                    added=tuple(translated.name(name) for name in row["added"]),
                    removed=tuple(translated.name(name) for name in row["removed"]),
                )
            )
            continue
        result.append(
            Change(
                label,
                _shown(field, row.get("old"), row.get("old_label")),
                _shown(field, row.get("new"), row.get("new_label")),
            )
        )
    return result


def _field(model: Any, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


YES, NO = gettext_lazy("Yes"), gettext_lazy("No")


def _shown(field: Any, value: Any, related: str | None) -> str:
    if value is None or value == "":
        return ""
    if related:
        # Stored in English; a reference name reads in the reader's language.
        return translated.name(related)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.name in MONEY_FIELDS:
        return l10n.money(value) or str(value)
    if field is not None and isinstance(field, models.DateTimeField):
        try:
            return l10n.moment(datetime.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field is not None and isinstance(field, models.DateField):
        try:
            return l10n.day(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def status_label(event: ChangeEvent, value: str) -> str:
    field = _field(_model(event), "status")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return value


def step_label(event: ChangeEvent) -> str:
    from tcp.lifecycle import TransitionRefused, lifecycle_for

    model = _model(event)
    if model is None:
        return event.transition
    try:
        return str(lifecycle_for(model).transition(event.transition).label)
    except (KeyError, TransitionRefused):
        return event.transition or _("Status change")


def _model(event: ChangeEvent) -> Any:
    try:
        return apps.get_model(event.model)
    except LookupError:
        return None
