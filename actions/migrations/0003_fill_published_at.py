from django.db import migrations
from django.db.models import F


def fill_published_at(apps, schema_editor):
    # Actions approved before the field existed became public when they were moderated.
    Action = apps.get_model("actions", "Action")
    Action.objects.filter(status="approved", published_at__isnull=True).update(
        published_at=F("moderated_at")
    )


class Migration(migrations.Migration):
    dependencies = [("actions", "0002_published_time_and_tallies")]

    operations = [migrations.RunPython(fill_published_at, migrations.RunPython.noop)]
