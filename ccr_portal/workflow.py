"""Declarative workflows: each model's allowed transitions, readable as a table.

An app declares its transitions once::

    DOSSIER_WORKFLOW = Workflow(
        name="dossier",
        transitions=[
            Transition("submit", {DRAFT, CHANGES_REQUESTED}, SUBMITTED,
                       permission="applicants.submit_dossier", label="Déposer"),
            ...
        ],
    )

and its services call ``DOSSIER_WORKFLOW.check(action, actor, obj)`` before
changing the status: the transition must exist, start from the object's
current status, and the actor must hold the transition's permission on the
object. Refusals are French ``TransitionRefused`` errors, shown as they are.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied


class TransitionRefused(PermissionDenied):
    """A transition that cannot happen now, with a French explanation."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    permission: str
    label: str
    # A sentence for the confirmation and the automatic message.
    description: str = ""
    needs_reason: bool = False
    style: str = "primary"

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


@dataclass
class Workflow:
    name: str
    transitions: list[Transition]
    status_labels: dict[str, str] = field(default_factory=dict)
    status_field: str = "status"

    def __post_init__(self):
        self._by_action = {transition.action: transition for transition in self.transitions}
        if len(self._by_action) != len(self.transitions):
            raise ValueError(f"Duplicate action in workflow {self.name}")

    def get(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise TransitionRefused("Cette action n'existe pas.") from None

    def label_of(self, status: str) -> str:
        return self.status_labels.get(status, status)

    def check(self, action: str, actor, obj) -> Transition:
        """The transition, if ``actor`` may perform ``action`` on ``obj`` now."""
        transition = self.get(action)
        current = getattr(obj, self.status_field)
        if current not in transition.sources:
            raise TransitionRefused(
                f"Action « {transition.label} » impossible : l'état actuel est "
                f"« {self.label_of(current)} »."
            )
        if not actor.has_perm(transition.permission, obj):
            raise TransitionRefused(
                f"Vous n'avez pas le droit d'effectuer l'action « {transition.label} »."
            )
        return transition

    def available(self, actor, obj) -> list[Transition]:
        """The transitions ``actor`` may perform on ``obj`` now, for the buttons."""
        current = getattr(obj, self.status_field)
        return [
            transition
            for transition in self.transitions
            if current in transition.sources and actor.has_perm(transition.permission, obj)
        ]

    def as_table(self) -> list[tuple[str, list[str], str, str]]:
        """(action, sources, target, permission) rows: the documentation of the workflow."""
        return [(t.action, sorted(t.sources), t.target, t.permission) for t in self.transitions]
