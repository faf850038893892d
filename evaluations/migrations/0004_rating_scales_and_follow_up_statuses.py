"""The rating scales and the OECD-DAC criteria (reference data), and the follow-up
actions moved to their new statuses.

A follow-up action used to be "done" only once OHCHR had verified it; that is
now "verified", and "done" means reported done by the responsible party and
awaiting verification. The time it was verified is read from its transition.
An action used to name both a staff member and a State; it now names one
responsible party: the government, when a State is named.
"""

# gettext_noop: makemessages puts each name in the catalogues (tcp/translated.py).
from django.utils.translation import gettext_noop
from django.db import migrations, models

SIX_POINT = (
    "satisfaction",
    gettext_noop("Six-point satisfaction scale"),
    gettext_noop("How well the programme did on the criterion."),
    (
        ("highly-satisfactory", gettext_noop("Highly satisfactory"), 6, gettext_noop("No shortcomings.")),
        ("satisfactory", gettext_noop("Satisfactory"), 5, gettext_noop("Minor shortcomings.")),
        ("moderately-satisfactory", gettext_noop("Moderately satisfactory"), 4, gettext_noop("Moderate shortcomings.")),
        ("moderately-unsatisfactory", gettext_noop("Moderately unsatisfactory"), 3, gettext_noop("Significant shortcomings.")),
        ("unsatisfactory", gettext_noop("Unsatisfactory"), 2, gettext_noop("Major shortcomings.")),
        ("highly-unsatisfactory", gettext_noop("Highly unsatisfactory"), 1, gettext_noop("Severe shortcomings.")),
    ),
)
LIKELIHOOD = (
    "likelihood",
    gettext_noop("Four-point likelihood scale"),
    gettext_noop("How likely the benefits are to last."),
    (
        ("likely", gettext_noop("Likely"), 4, gettext_noop("Negligible risks to sustainability.")),
        ("moderately-likely", gettext_noop("Moderately likely"), 3, gettext_noop("Moderate risks.")),
        ("moderately-unlikely", gettext_noop("Moderately unlikely"), 2, gettext_noop("Significant risks.")),
        ("unlikely", gettext_noop("Unlikely"), 1, gettext_noop("Severe risks.")),
    ),
)

# (code, name, the DAC question, scale)
CRITERIA = (
    ("relevance", gettext_noop("Relevance"), gettext_noop("Is the programme doing the right things?"), "satisfaction"),
    ("coherence", gettext_noop("Coherence"), gettext_noop("How well does the programme fit?"), "satisfaction"),
    (
        "effectiveness",
        gettext_noop("Effectiveness"),
        gettext_noop("Is the programme achieving its objectives?"),
        "satisfaction",
    ),
    ("efficiency", gettext_noop("Efficiency"), gettext_noop("How well are resources being used?"), "satisfaction"),
    ("impact", gettext_noop("Impact"), gettext_noop("What difference does the programme make?"), "satisfaction"),
    ("sustainability", gettext_noop("Sustainability"), gettext_noop("Will the benefits last?"), "likelihood"),
)


def load_reference_data(apps, schema_editor):
    """Upsert the scales and criteria; running it again changes nothing."""
    scale_model = apps.get_model("evaluations", "RatingScale")
    level_model = apps.get_model("evaluations", "RatingLevel")
    criterion_model = apps.get_model("evaluations", "EvaluationCriterion")
    scales = {}
    for code, name, description, levels in (SIX_POINT, LIKELIHOOD):
        scale, _ = scale_model.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        scales[code] = scale
        for level_code, label, value, level_description in levels:
            level_model.objects.update_or_create(
                scale=scale,
                code=level_code,
                defaults={"label": label, "value": value, "description": level_description},
            )
    for order, (code, name, question, scale) in enumerate(CRITERIA, start=1):
        criterion_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "question": question,
                "scale": scales[scale],
                "sort_order": order,
            },
        )


def record_baseline_history(apps, schema_editor):
    """A first "created" record for each reference row, as the core's reference data has:
    a migration's models carry no history hooks."""
    from django.utils import timezone

    now = timezone.now()
    for name in ("RatingScale", "RatingLevel", "EvaluationCriterion"):
        model = apps.get_model("evaluations", name)
        historical = apps.get_model("evaluations", f"Historical{name}")
        recorded = historical.objects.values("id")
        fields = [f.attname for f in model._meta.concrete_fields]
        historical.objects.bulk_create(
            [
                historical(
                    **{field: getattr(row, field) for field in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="Loaded by the reference data migration",
                )
                for row in model.objects.exclude(id__in=recorded)
            ]
        )


def move_follow_up_statuses(apps, schema_editor):
    action_model = apps.get_model("evaluations", "FollowUpAction")
    change_model = apps.get_model("tcp", "StatusChange")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    content_type = content_type_model.objects.filter(
        app_label="evaluations", model="followupaction"
    ).first()
    for action in action_model.objects.filter(status="done"):
        verified = None
        if content_type is not None:
            verified = (
                change_model.objects.filter(
                    content_type=content_type, object_id=action.pk, to_status="done"
                )
                .order_by("-at")
                .values_list("at", flat=True)
                .first()
            )
        action.status = "verified"
        action.done_at = action.verified_at = verified or action.updated_at
        action.save(update_fields=["status", "done_at", "verified_at"])
    action_model.objects.filter(responsible_state__isnull=False, owner_user__isnull=False).update(
        owner_user=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("evaluations", "0003_follow_up_plan_ratings_snapshot"),
        ("tcp", "0007_user_history_and_role_history"),
    ]

    operations = [
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
        migrations.RunPython(record_baseline_history, migrations.RunPython.noop),
        migrations.RunPython(move_follow_up_statuses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="followupaction",
            constraint=models.CheckConstraint(
                condition=~models.Q(owner="")
                | models.Q(owner_user__isnull=False)
                | models.Q(responsible_state__isnull=False),
                name="follow_up_has_a_responsible_party",
            ),
        ),
        migrations.AddConstraint(
            model_name="followupaction",
            constraint=models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True)
                | models.Q(responsible_state__isnull=True),
                name="follow_up_ohchr_or_government",
            ),
        ),
    ]
