"""What a higher app asks to be confirmed before the dossier goes to, or comes out of, the
selection committee: today the assessment diagnostic the coordination ordered and that is
not validated yet (diagnostics registers it). The dossier's rows ask each check; a warning
stops the step unless the coordinator writes why the committee goes on without it.
"""

from collections.abc import Callable

# check(dossier) -> a French warning, or "" when nothing is missing.
_checks: list[Callable] = []


def register_decision_check(check: Callable) -> Callable:
    if check not in _checks:
        _checks.append(check)
    return check


def decision_warnings(dossier) -> list[str]:
    return [warning for check in _checks if (warning := check(dossier))]
