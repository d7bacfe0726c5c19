from django.db import migrations

# The tables the cached activity report reads that 0002 did not track yet
# (scheme/cache.py, TRACKED_MODELS["report"] at the time).
TRACKED_MODELS = [
    ("applicants", "Site"),
    ("accompaniment", "Session"),
    ("accompaniment", "SessionAttendance"),
    ("accompaniment", "Event"),
    ("accompaniment", "EventRegistration"),
    ("accompaniment", "SatisfactionAnswer"),
    ("accompaniment", "FollowUp"),
    ("committee", "Decision"),
    ("financing", "FinancingRequest"),
    ("financing", "Disbursement"),
    ("financing", "FundingProduct"),
    ("users", "Provider"),
    ("users", "Funder"),
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
        ("scheme", "0002_data_changes_for_cached_figures"),
        ("accompaniment", "0001_initial"),
        ("committee", "0001_initial"),
        ("financing", "0001_initial"),
        ("users", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
