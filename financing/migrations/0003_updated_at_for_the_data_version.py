"""The latest update of each table the global response adds up (with its count, the data
version under which the response is cached): requests, their uses and disbursements gain
``updated_at`` (existing rows: the migration's time), indexed like the needs' one."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0002_request_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True,
                db_index=True,
                default=django.utils.timezone.now,
                verbose_name="mis à jour le",
            ),
            preserve_default=False,
        )
        for model in ("financingrequest", "requestuse", "disbursement")
    ] + [
        migrations.AlterField(
            model_name="financingneed",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="mis à jour le"),
        ),
    ]
