"""The written screening criteria, with their weights.

From the programme's texts: priority to countries in transition to
democracy and to least developed countries, a link to the recommendations of
the human rights mechanisms, national ownership and participation, an OHCHR
presence to support the work, and resources available. Administrators
adjust wording and weights in the admin; every change is in the history.
"""

# gettext_noop: makemessages puts each name in the catalogues (tcp/translated.py).
from django.utils.translation import gettext_noop
from django.db import migrations
from django.utils import timezone

CRITERIA = [
    (
        "transition-to-democracy",
        gettext_noop("Priority to countries in transition to democracy"),
        3,
        gettext_noop("0: no transition under way; 3: reforms announced; 5: an active transition the "
        "assistance directly supports."),
    ),
    (
        "least-developed-country",
        gettext_noop("Least developed country"),
        2,
        gettext_noop("5 when the State is on the UN list of least developed countries, 0 otherwise; "
        "intermediate scores for graduating countries."),
    ),
    (
        "mechanism-recommendations",
        gettext_noop("Link to recommendations of the human rights mechanisms"),
        3,
        gettext_noop("0: no link; 3: linked to recommendations in general terms; 5: answers specific "
        "recommendations of the UPR, treaty bodies or special procedures."),
    ),
    (
        "national-ownership",
        gettext_noop("National ownership and participation"),
        3,
        gettext_noop("0: no national counterpart identified; 3: a committed ministry; 5: a national "
        "plan, a lead institution and participation of civil society and the NHRI."),
    ),
    (
        "ohchr-presence",
        gettext_noop("OHCHR presence"),
        2,
        gettext_noop("0: no presence covers the country; 3: a regional office or adviser covers it; "
        "5: a country office or human rights component on the ground."),
    ),
    (
        "resources-available",
        gettext_noop("Resources available"),
        2,
        gettext_noop("0: no funding in sight; 3: partly funded; 5: funded from the Voluntary Fund, "
        "the regular budget or a partner."),
    ),
]


def load(apps, schema_editor):
    criterion = apps.get_model("tcp", "ScreeningCriterion")
    historical = apps.get_model("tcp", "HistoricalScreeningCriterion")
    now = timezone.now()
    for order, (code, name, weight, guidance) in enumerate(CRITERIA, start=1):
        row, created = criterion.objects.update_or_create(
            code=code,
            defaults={"name": name, "weight": weight, "guidance": guidance, "sort_order": order},
        )
        if created:
            historical.objects.create(
                id=row.id,
                code=code,
                name=name,
                description="",
                is_active=True,
                sort_order=order,
                weight=weight,
                guidance=guidance,
                history_date=now,
                history_type="+",
                history_change_reason="Loaded by the reference data migration",
            )


class Migration(migrations.Migration):
    dependencies = [("tcp", "0004_screening_criteria")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
