from django.db import migrations

# The tables of the offer (providers' capacity, existing schemes, the funds' credit
# lines) that 0002 and 0003 did not track yet (scheme/cache.py, TRACKED_MODELS["offer"]).
TRACKED_MODELS = [
    ("diagnostics", "ProviderCapacity"),
    ("scheme", "OfferScheme"),
    ("financing", "CreditLine"),
    ("financing", "CreditLine_products"),
]
TRIGGER = "scheme_data_change"  # the function of 0002


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model in TRACKED_MODELS:
        table = schema_editor.quote_name(apps.get_model(app_label, model)._meta.db_table)
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model in TRACKED_MODELS:
        table = schema_editor.quote_name(apps.get_model(app_label, model)._meta.db_table)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("scheme", "0003_report_tables_tell_their_changes"),
        ("diagnostics", "0001_initial"),
        ("financing", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
