"""Publishing a task without trusting the broker to be there.

Every task the web process starts after a commit (an e-mail, a PDF) has a row
that says it is still to do: ``OutgoingEmail`` pending, ``GeneratedDocument``
pending. The row is the outbox: ``publish`` tries the broker once, and when
Redis is away the request still succeeds; the beat's drain publishes the row
again once the broker is back. The tasks are idempotent, so a row published
twice still sends one e-mail and renders one PDF.
"""

import datetime
import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, ConnectionError, OSError, TimeoutError)
# A row younger than this is left to the publication its own commit triggers.
PUBLISH_GRACE = datetime.timedelta(seconds=30)


def publish(task, *args) -> bool:
    """Enqueue ``task(*args)``; False (logged) when the broker cannot be reached."""
    try:
        task.apply_async(args=args)
    except BROKER_ERRORS as error:
        logger.warning(
            "Broker unreachable, %s%r left to the outbox drain: %s", task.name, args, error
        )
        return False
    return True
