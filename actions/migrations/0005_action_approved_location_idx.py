from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0004_campaign_ideas_and_materials"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("latitude__isnull", False), ("status", "approved")),
                fields=["latitude", "longitude"],
                name="actions_approved_location_idx",
            ),
        ),
    ]
