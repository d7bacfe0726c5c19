"""The structure list sorts by name in French (ICU's collation on PostgreSQL): an index
in that collation lets PostgreSQL read the first page instead of sorting every row.

SQLite's French collation is a Python function registered per connection: an index on
it would be unreadable by any other tool, and SQLite's tables are small. PostgreSQL only.
"""

from django.db import migrations

INDEX = "structure_name_fr_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "applicants_structure" '
            '("name" COLLATE "fr-x-icu", "id")'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("applicants", "0008_dossier_anonymised_at")]

    operations = [migrations.RunPython(create, drop)]
