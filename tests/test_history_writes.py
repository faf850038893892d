"""History is complete and append-only (issue 13).

- every model of the product has history, or a stated reason not to;
- no plain bulk write on a model with history, in the source (a static scan)
  and at run time (the guard ``tests/conftest.py`` installs);
- a save that changed nothing adds no history row (nor change-log line);
- every write path names the acting user, on every model with history: the
  web (simple-history's middleware), the admin, tasks (``acting_as``, and the
  report task for real), commands (``seed_demo``);
- the admin shows history read-only: nothing historical is editable there, no
  revert is offered and a POST to a past version changes nothing;
- an upload never overwrites a stored file.
"""

from __future__ import annotations

import ast
import datetime
import decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models, transaction
from django.forms import MultiWidget
from django.test import RequestFactory
from django.urls import reverse
from simple_history.middleware import HistoryRequestMiddleware

from requests_app.models import AssistanceRequest
from tcp import changelog
from tcp import history as tracked
from tcp.admin import HistoryAdmin
from tcp.history import UntrackedWrite, acting_as, has_history, untracked
from tcp.models import ChangeEvent, ThematicArea, User
from tests.factories import AssistanceRequestFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("tcp", "requests_app", "assessments", "programmes", "evaluations")

# Models of the product without history, each with the reason.
WITHOUT_HISTORY = {
    "tcp.ReferenceCounter": "a sequence counter; the references it hands out are history",
    "tcp.Notification": "a delivery log of lifecycle notices, written once and marked read",
    "tcp.Dispatch": "a delivery log of reminders (claimed, sent), written by the sweep",
    "tcp.ChangeEvent": "the change log itself: one line per history record, append-only",
    "tcp.AccessEvent": "the access log: append-only lines, no record to keep versions of",
    "auth.Permission": "Django's permissions, defined by the code and its migrations",
}


def _product_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        label = model._meta.app_label
        if label not in (*PROJECT_APPS, "auth"):
            continue
        if model.__name__.startswith("Historical") or not model._meta.managed:
            continue
        found.append(model)
    return found


def _history_models() -> list[type[models.Model]]:
    return [m for m in _product_models() if has_history(m)]


# --- every model has history ---


def test_every_model_has_history_or_a_stated_reason():
    missing = [
        m._meta.label
        for m in _product_models()
        if not has_history(m) and m._meta.label not in WITHOUT_HISTORY
    ]
    assert not missing, f"Models without history (add history() or a reason): {missing}"
    assert has_history(Group)
    stale = set(WITHOUT_HISTORY) - {m._meta.label for m in _product_models()}
    assert not stale, f"Allowlisted models that no longer exist: {stale}"


# --- no plain bulk write: the static scan ---

BULK = {"update", "bulk_create", "bulk_update"}
MANAGERS = {"objects", "_default_manager", "history"}
PRAGMA = "# no history:"


def _sources() -> list[Path]:
    skipped = {".venv", "tests", "migrations", "node_modules", "staticfiles", "var", ".git"}
    return [p for p in ROOT.rglob("*.py") if not skipped & set(p.relative_to(ROOT).parts)]


def _untracked_lines(tree: ast.AST) -> set[int]:
    """The lines inside ``with untracked():`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.With | ast.AsyncWith):
            continue
        for item in node.items:
            call = item.context_expr
            if isinstance(call, ast.Call):
                name = call.func.attr if isinstance(call.func, ast.Attribute) else None
                name = name or (call.func.id if isinstance(call.func, ast.Name) else None)
                if name == "untracked":
                    lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _receiver(node: ast.AST) -> tuple[ast.AST, bool]:
    """The root of ``X.objects.filter(...).update`` and whether a manager is on the way."""
    through_manager = False
    while True:
        if isinstance(node, ast.Attribute):
            through_manager |= node.attr in MANAGERS
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node, through_manager


def _aliases(tree: ast.AST, names: dict[str, bool]) -> dict[str, bool]:
    """``Rec = Recommendation`` and ``X = apps.get_model("app", "Model")`` at any level."""
    found = dict(names)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if not isinstance(target, ast.Name):
            continue
        if isinstance(value, ast.Name) and value.id in names:
            found[target.id] = names[value.id]
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "get_model"
            and len(value.args) == 2
            and all(isinstance(a, ast.Constant) for a in value.args)
        ):
            try:
                model = apps.get_model(value.args[0].value, value.args[1].value)
            except LookupError:
                continue
            found[target.id] = has_history(model)
    return found


def plain_bulk_writes(path: Path) -> list[str]:
    text = path.read_text()
    tree = ast.parse(text)
    lines = text.splitlines()
    names: dict[str, bool] = {}
    for model in apps.get_models():
        # A name shared by two models counts as having history if either has.
        names[model.__name__] = names.get(model.__name__, False) or has_history(model)
    names = _aliases(tree, names)
    allowed = _untracked_lines(tree)
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in BULK
        ):
            continue
        root, through_manager = _receiver(node.func.value)
        said = PRAGMA in lines[node.lineno - 1] or PRAGMA in lines[node.lineno - 2]
        if not through_manager or node.lineno in allowed or said:
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if isinstance(root, ast.Name) and names.get(root.id):
            found.append(f"{where} {root.id}….{node.func.attr}()")
        elif (
            isinstance(root, ast.Call)
            and isinstance(root.func, ast.Name)
            and root.func.id == "type"
        ):
            found.append(f"{where} type(…)….{node.func.attr}() (say '{PRAGMA} <why>')")
    return found


def test_no_plain_bulk_writes_on_models_with_history():
    offenders = [hit for path in _sources() for hit in plain_bulk_writes(path)]
    assert not offenders, "Plain bulk writes on models with history:\n" + "\n".join(offenders)


def test_the_scan_finds_what_it_is_meant_to_find(tmp_path):
    sample = ROOT / "tcp" / "_scan_sample_for_test.py"
    sample.write_text(
        "from tcp.models import Country as C\n"
        "from tcp.models import Dispatch\n"
        "Country.objects.filter(pk=1).update(name='x')\n"
        "C2 = Country\n"
        "C2._default_manager.bulk_update([], ['name'])\n"
        "type(row).objects.filter(pk=1).update(a=1)\n"
        "# no history: a log\n"
        "type(row).objects.filter(pk=1).update(a=1)\n"
        "Dispatch.objects.filter(pk=1).update(status='sent')\n"
        "with untracked():\n"
        "    Country.objects.bulk_create([])\n"
        "fields.update(a=1)\n"
    )
    try:
        hits = plain_bulk_writes(sample)
    finally:
        sample.unlink()
    assert [h.split()[0].rsplit(":", 1)[1] for h in hits] == ["3", "5", "6"], hits


# --- no plain bulk write: the guard at run time ---


def test_plain_bulk_writes_on_a_model_with_history_are_refused(administrator):
    area = ThematicArea.objects.first()
    with pytest.raises(UntrackedWrite):
        ThematicArea.objects.filter(pk=area.pk).update(name="Silently renamed")
    with pytest.raises(UntrackedWrite):
        ThematicArea.objects.bulk_update([area], ["name"])
    with pytest.raises(UntrackedWrite):
        User.objects.bulk_create([User(username="bulk")])
    # Allowed where it is said to be, and on a model without history.
    with untracked():
        ThematicArea.objects.filter(pk=area.pk).update(sort_order=area.sort_order)
    ChangeEvent.objects.filter(pk=-1).update(label="")


def test_bulk_helpers_write_history_and_change_log_with_the_acting_user(
    administrator, desk_officer
):
    events = ChangeEvent.objects.count()
    with acting_as(desk_officer):
        created = tracked.bulk_create(User, [User(username="bulk-1"), User(username="bulk-2")])
    assert all(u.pk for u in created)
    for user in created:
        (row,) = user.history.all()
        assert (row.history_type, row.history_user) == ("+", desk_officer)
    assert ChangeEvent.objects.count() == events + 2
    assert set(
        ChangeEvent.objects.filter(
            model="tcp.user", object_id__in=[u.pk for u in created]
        ).values_list("user", "action")
    ) == {(desk_officer.pk, ChangeEvent.Action.CREATED)}

    group = Group.objects.first()
    created[0].groups.add(group)  # the m2m snapshot of the bulk update's row
    for user in created:
        user.first_name = "Bulk"
    with acting_as(administrator):
        assert tracked.bulk_update(User, created, ["first_name"]) == 2
    latest = created[0].history.first()
    assert (latest.history_type, latest.history_user, latest.first_name) == (
        "~",
        administrator,
        "Bulk",
    )
    assert [g.group_id for g in latest.groups.all()] == [group.pk]
    event = ChangeEvent.objects.get(model="tcp.user", history_id=latest.history_id)
    assert event.user == administrator
    assert [c["field"] for c in event.changes] == ["first_name"]


# --- a save that changed nothing adds nothing ---


def test_a_save_that_changed_nothing_adds_no_history_and_no_change_log_line(administrator):
    area = ThematicArea.objects.first()
    rows, events = area.history.count(), ChangeEvent.objects.count()
    with acting_as(administrator):
        area.save()
        ThematicArea.objects.get(pk=area.pk).save()
        area.save(update_fields=["name"])
    assert (area.history.count(), ChangeEvent.objects.count()) == (rows, events)

    with acting_as(administrator):
        area.name = "Renamed"
        area.save()
    assert (area.history.count(), ChangeEvent.objects.count()) == (rows + 1, events + 1)
    assert area.history.first().history_user == administrator


def test_an_unchanged_relation_adds_nothing_and_a_changed_one_adds_a_row(administrator, auditor):
    rows, events = auditor.history.count(), ChangeEvent.objects.count()
    groups = list(auditor.groups.all())
    with acting_as(administrator):
        auditor.groups.set(groups)
        auditor.groups.add(*groups)
        auditor.groups.remove()
    assert (auditor.history.count(), ChangeEvent.objects.count()) == (rows, events)
    with acting_as(administrator):
        auditor.groups.clear()
    assert auditor.history.count() == rows + 1
    assert ChangeEvent.objects.count() == events + 1


def test_creation_and_deletion_always_write(administrator):
    with acting_as(administrator):
        request = AssistanceRequestFactory()
        pk = request.pk
        history = type(request).history
        assert history.filter(id=pk, history_type="+").count() == 1
        request.delete()
    assert history.filter(id=pk, history_type="-").get().history_user == administrator


# --- append-only in the admin ---


def _is_log(model: type[models.Model]) -> bool:
    return model.__name__.startswith("Historical") or model._meta.label in (
        "tcp.ChangeEvent",
        "tcp.AccessEvent",
    )


def test_nothing_historical_is_editable_in_the_admin(rf):
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    request = rf.get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if _is_log(model):
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model
        if has_history(model):
            assert isinstance(model_admin, HistoryAdmin), f"{model}: history not shown"
            assert model_admin.revert_disabled(request), model
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    assert not getattr(settings, "SIMPLE_HISTORY_EDIT", False)


def test_a_past_version_cannot_be_posted_back(client, administrator):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    area = ThematicArea.objects.first()
    original = area.name
    with acting_as(administrator):
        area.name = "Second name"
        area.save()
    first = area.history.order_by("history_id").first()
    url = reverse("admin:tcp_thematicarea_simple_history", args=[area.pk, first.history_id])

    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content and b"Revert" not in page.content
    rows = area.history.count()
    response = client.post(
        url,
        {"code": area.code, "name": original, "is_active": "on", "sort_order": area.sort_order},
    )
    assert response.status_code == 403
    area.refresh_from_db()
    assert (area.name, area.history.count()) == ("Second name", rows)
    history = client.get(reverse("admin:tcp_thematicarea_history", args=[area.pk]))
    assert history.status_code == 200 and b"revert" not in history.content.lower()


# --- the acting user on every path, for every model with history ---


def _form_data(form: Any, data: dict[str, Any]) -> None:
    """What a browser posts back for ``form`` unchanged (values as its widgets show them)."""
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = form.add_prefix(name)
        value = form[name].value()
        widget = field.widget
        while hasattr(widget, "widget") and not isinstance(widget, MultiWidget):
            widget = widget.widget
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                shown = widget.widgets[i].format_value(part)
                data[f"{key}_{i}"] = "" if shown is None else shown
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(v, "pk", v)) for v in value]
        elif value is not None:
            data[key] = getattr(value, "pk", value)


def _post_data(response: Any) -> dict[str, Any]:
    """What the admin's change form would post back, unchanged."""
    data: dict[str, Any] = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _form_data(formset.management_form, data)
        for form in formset.forms:
            _form_data(form, data)
    return data


def _touch(obj: models.Model) -> str:
    """A minimal change of one field kept in history, saved; else a deletion."""
    model = type(obj)
    kept = {f.attname for f in model.history.model._meta.concrete_fields}
    unique = {n for u in model._meta.unique_together for n in u}
    for constraint in model._meta.constraints:
        unique |= set(getattr(constraint, "fields", ()) or ())
    for field in model._meta.concrete_fields:
        if (
            field.attname not in kept
            or field.primary_key
            or field.unique
            or field.name in unique
            or field.choices
            or field.is_relation
            or not field.editable
            or field.name in changelog.IGNORED_FIELDS
        ):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.CharField | models.TextField) and not isinstance(
            field, models.GenericIPAddressField | models.URLField | models.EmailField
        ):
            text = value or ""
            new = (text[:-1] if text else "") + ("x" if not text.endswith("x") else "y")
        elif isinstance(field, models.BooleanField):
            new = not value
        elif isinstance(field, models.DecimalField) and value is not None:
            new = value + decimal.Decimal(1)
        elif isinstance(field, models.IntegerField) and value is not None:
            new = value + 1
        elif (
            isinstance(field, models.DateField)
            and not isinstance(field, models.DateTimeField)
            and value is not None
        ):
            new = value + datetime.timedelta(days=1)
        else:
            continue
        setattr(obj, field.attname, new)
        obj.save()
        return "~"
    obj.delete()
    return "-"


class _Rollback(Exception):
    pass


def _check_write(obj: models.Model, user: User, write: Any) -> str | None:
    """Run ``write(obj)`` in a savepoint rolled back after checking that it added
    a history row naming ``user`` (and, unless the log skips the model, a
    change-log line naming them). Returns the problem, or None."""
    model = type(obj)
    before = model.history.order_by("-history_id").values_list("history_id", flat=True).first()
    problem, pk = None, obj.pk
    try:
        with transaction.atomic():
            kind = write(obj)
            rows = list(model.history.filter(history_id__gt=before or 0))
            mine = [r for r in rows if getattr(r, model._meta.pk.attname) == pk]
            if not mine:
                problem = f"{model._meta.label}: no history row for a {kind} write"
            elif any(r.history_user_id != user.pk for r in rows):
                problem = f"{model._meta.label}: history row not naming {user}"
            elif changelog.label_of(model) not in changelog.SKIPPED:
                events = ChangeEvent.objects.filter(
                    model=changelog.label_of(model), history_id__in=[r.history_id for r in mine]
                )
                if not events.exists():
                    problem = f"{model._meta.label}: no change-log line for a {kind} write"
                elif events.exclude(user=user).exists():
                    problem = f"{model._meta.label}: change-log line not naming {user}"
            raise _Rollback
    except _Rollback:
        pass
    return problem


def _web(user: User) -> Any:
    def write(obj: models.Model) -> str:
        request = RequestFactory().post("/")
        request.user = user
        result = {}

        def view(request):
            result["kind"] = _touch(obj)
            return None

        HistoryRequestMiddleware(view)(request)
        return result["kind"]

    return write


def _task(user: User) -> Any:
    def write(obj: models.Model) -> str:
        with acting_as(user):
            return _touch(obj)

    return write


def _admin_models(superuser: User, rf: Any) -> list[type[models.Model]]:
    request = rf.get("/")
    request.user = superuser
    return [
        m
        for m, a in admin.site._registry.items()
        if has_history(m) and a.has_change_permission(request)
    ]


def test_every_model_names_the_acting_user_on_every_path(client, rf):
    """One demo data set (seed_demo), then every model with history through each path."""
    history_ids = {
        m: m.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        for m in _history_models()
    }
    last_event = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    # Command: seed_demo writes every row as the demo administrator.
    call_command("seed_demo", "--password", "x", verbosity=0)
    problems = []
    written = set()
    for model, last in history_ids.items():
        rows = model.history.filter(history_id__gt=last)
        if rows.exists():
            written.add(model._meta.label)
        nameless = rows.filter(history_user__isnull=True).count()
        if nameless:
            problems.append(f"seed_demo: {nameless} {model._meta.label} rows name no user")
    nameless = ChangeEvent.objects.filter(id__gt=last_event, user__isnull=True).count()
    if nameless:
        problems.append(f"seed_demo: {nameless} change-log lines name no user")
    # Running it again changes nothing but the passwords (kept out of history).
    marks = {m: m.history.count() for m in _history_models()}
    call_command("seed_demo", "--password", "y", verbosity=0)
    again = [m._meta.label for m in _history_models() if m.history.count() != marks[m]]
    if again:
        problems.append(f"seed_demo run again added history to {again}")

    # Web, admin and task, on one instance of every model with history.
    web_user = User.objects.get(username="auditor")
    task_user = User.objects.get(username="approver")
    missing = []
    for model in _history_models():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            missing.append(model._meta.label)
            continue
        for path, user, write in (
            ("web", web_user, _web(web_user)),
            ("task", task_user, _task(task_user)),
        ):
            problem = _check_write(model._default_manager.get(pk=obj.pk), user, write)
            if problem:
                problems.append(f"{path}: {problem}")
    # Models the demo has no row of are listed, with the reason, in NOT_IN_DEMO.
    if set(missing) != set(NOT_IN_DEMO):
        problems.append(
            f"demo rows: missing {sorted(set(missing) - set(NOT_IN_DEMO))}, "
            f"now present {sorted(set(NOT_IN_DEMO) - set(missing))}"
        )

    # Admin: every model the administrator may change, posted back unchanged
    # (no row) and changed (one row naming the administrator).
    administrator = User.objects.get(username="admin")
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(administrator)
    for model in _admin_models(superuser, rf):
        obj = model._default_manager.order_by("pk").first()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        page = client.get(url)
        if page.status_code != 200:
            problems.append(f"admin: {model._meta.label} change page {page.status_code}")
            continue
        data = _post_data(page)
        baseline = obj.history.first().history_user_id is None
        for attempt in (1, 2):
            rows = obj.history.count()
            response = client.post(url, data)
            if response.status_code != 302:
                errors = response.context and response.context["adminform"].form.errors
                problems.append(f"admin: {model._meta.label} unchanged post refused: {errors}")
                break
            if obj.history.count() == rows:
                break
            new = obj.history.first()
            # Once allowed: the migration's baseline row of reference data holds no
            # many-to-many snapshot, so the first save records the relation.
            if attempt == 1 and baseline and new.history_user == administrator:
                continue
            delta = new.diff_against(new.prev_record)
            changed = [c.field for c in delta.changes]
            problems.append(f"admin: {model._meta.label} unchanged post added history: {changed}")
        rows = obj.history.count()
        name = "name" if "name" in data else ("first_name" if "first_name" in data else None)
        if name is None:
            continue
        data[name] = f"{data[name]} (edited)"
        client.post(url, data)
        latest = obj.history.first()
        event = ChangeEvent.objects.filter(
            model=changelog.label_of(model), history_id=latest.history_id
        ).first()
        if obj.history.count() != rows + 1 or latest.history_user != administrator:
            problems.append(f"admin: {model._meta.label} edit not recorded as the administrator")
        elif event is None or event.user != administrator:
            problems.append(f"admin: {model._meta.label} edit has no change-log line naming them")
    assert not problems, "\n".join(problems)
    assert {"requests_app.AssistanceRequest", "programmes.Programme"} <= written


# Models with history the demo has no row of (and why that is fine here).
_PER_OBJECT = "per-object grants of a group or on a record: the demo scopes by country"
NOT_IN_DEMO: dict[str, str] = {
    "assessments.NeedsAssessmentGroupObjectPermission": _PER_OBJECT,
    "assessments.NeedsAssessmentUserObjectPermission": _PER_OBJECT,
    "evaluations.EvaluationGroupObjectPermission": _PER_OBJECT,
    "evaluations.EvaluationUserObjectPermission": _PER_OBJECT,
    "programmes.ProgrammeGroupObjectPermission": _PER_OBJECT,
    "requests_app.AssistanceRequestGroupObjectPermission": _PER_OBJECT,
    "requests_app.AssistanceRequestUserObjectPermission": _PER_OBJECT,
    "tcp.CountryGroupObjectPermission": _PER_OBJECT,
    "tcp.FieldPresenceGroupObjectPermission": _PER_OBJECT,
    "evaluations.EvaluationDocument": "the demo attaches no evaluation document",
    "programmes.Amendment": "the demo amends no programme",
    "requests_app.Message": "the demo exchanges no message",
    "requests_app.Recommendation": "imported (test_recommendations covers the import)",
    "tcp.Report": "rendered by a task (test_tasks_write_no_history_without_a_user)",
}


def test_tasks_write_no_history_without_a_user(desk_officer, kenya, settings, tmp_path):
    """The real tasks: the report task writes the report's history as its requester;
    the sweeps write no history row that names no one."""
    from tcp import reports, tasks

    settings.MEDIA_ROOT = tmp_path
    with acting_as(desk_officer):
        request = AssistanceRequestFactory(country=kenya, status=AssistanceRequest.Status.SUBMITTED)
    models_ = _history_models()
    marks = {
        m: m.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        for m in models_
    }
    report = reports.request_report(
        user=desk_officer, kind_code="request", reference=request.reference
    )
    tasks.render_report(report.pk)
    tasks.sweep_reminders()
    tasks.send_pending_notifications()
    tasks.send_daily_digests()
    nameless = {
        m._meta.label: m.history.filter(history_id__gt=marks[m], history_user__isnull=True).count()
        for m in models_
    }
    assert not {k: v for k, v in nameless.items() if v}
    rows = report.history.all()
    assert rows.count() >= 2
    assert {r.history_user for r in rows} == {desk_officer}


# --- stored files are never overwritten ---


def test_two_uploads_of_the_same_name_are_stored_apart(desk_officer, kenya, settings, tmp_path):
    from requests_app.models import RequestDocument
    from tcp.documents import store_upload

    settings.MEDIA_ROOT = tmp_path
    with acting_as(desk_officer):
        request = AssistanceRequestFactory(country=kenya, created_by=desk_officer)
    stored = []
    for content in (b"first,file\n1,2\n", b"second,file\n3,4\n"):
        document = store_upload(
            file=ContentFile(content, name="letter.csv"),
            model=RequestDocument,
            by=desk_officer,
            siblings=request.documents.all(),
            request=request,
        )
        stored.append(document)
    first, second = stored
    assert first.file.name != second.file.name
    for document, content in zip(stored, (b"first", b"second"), strict=True):
        row = document.history.get(history_type="+")
        with document.file.storage.open(row.file) as handle:
            assert handle.read().startswith(content)
    # The storage itself never overwrites: the same name twice is two files.
    storage = first.file.storage
    a = storage.save(first.file.name, ContentFile(b"other"))
    assert a != first.file.name
    with storage.open(first.file.name) as handle:
        assert handle.read().startswith(b"first")


def test_s3_storage_never_overwrites():
    """With STORAGE_BACKEND=s3 the bucket keeps every name (file_overwrite off)."""
    import importlib
    import os

    from tcp import settings as tcp_settings

    saved = dict(os.environ)
    os.environ.update(STORAGE_BACKEND="s3", AWS_STORAGE_BUCKET_NAME="bucket")
    try:
        importlib.reload(tcp_settings)
        options = tcp_settings.STORAGES["default"]["OPTIONS"]
        assert options["file_overwrite"] is False
    finally:
        os.environ.clear()
        os.environ.update(saved)
        importlib.reload(tcp_settings)
