"""Whether permissions are asked by the Django admin (model permissions) or the portal (rules).

Kept free of imports so that the user model can read it at any time.
"""

import contextlib
import contextvars

_IN_ADMIN = contextvars.ContextVar("ccr_in_admin", default=False)


def in_admin() -> bool:
    return _IN_ADMIN.get()


@contextlib.contextmanager
def admin_scope():
    token = _IN_ADMIN.set(True)
    try:
        yield
    finally:
        _IN_ADMIN.reset(token)
