"""Names sorted the French way in the database: « Épicerie » before « Voyages »."""

from django.db.models import F
from django.db.models.functions import Collate

POSTGRESQL_COLLATION = "fr-x-icu"  # ICU's French, shipped with PostgreSQL's ICU build
SQLITE_COLLATION = "fr"  # registered on each SQLite connection (ccr_portal.apps)


class French(Collate):
    """``order_by(French("name"))``: ICU's French collation on PostgreSQL, the portal's
    French sort key on SQLite."""

    def __init__(self, expression):
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, POSTGRESQL_COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.collation = SQLITE_COLLATION
        return Collate.as_sql(clone, compiler, connection, **extra_context)


def french(field: str):
    """An ascending French ordering on ``field``."""
    return French(field).asc()
