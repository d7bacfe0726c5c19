"""Declarative workflows: each life cycle is one table, and the table runs the transition.

An app declares its transitions once, one row each::

    DIAGNOSTIC_WORKFLOW = Workflow(
        name="diagnostic",
        history=DiagnosticTransition,
        ...,
        transitions=[
            Transition(
                "validate", {DELIVERED}, VALIDATED,
                permission="diagnostics.validate_diagnostic",
                label="Valider le diagnostic",
                description="La coordination a validé le diagnostic.",
                effect=effects.stamp_validated,
                audience=(people.structure_members, people.provider_consultants),
            ),
            ...
        ],
    )

and its services call ``DIAGNOSTIC_WORKFLOW.perform(diagnostic, actor=..., action=...)``,
which does the whole transition in one database transaction:

1. lock the row (``select_for_update``) and read it again;
2. check that the action starts from the current state and that the actor holds the
   row's permission on the object (``TransitionRefused``, a French sentence, if not);
3. require the reason where the row says so, then run the row's ``guard``
   (``ValidationError`` keyed by domain names: nothing is written);
4. run the row's ``effect``, set the status, ``full_clean()`` and save the object,
   write exactly one history record, and post the workflow's automatic message in the
   object's thread (``announce``, with the row's ``speaker``), if it has one;
5. after the commit, tell the row's ``audience``, minus the actor and minus anyone who
   may not read the object (``view_permission``): nobody is told of what they cannot open.

History lines that are not status changes (a request created, conclusions signed off)
go through ``record_event`` with a label declared in ``events``, so every line of
every history has the same shape (``ccr_portal.history.TransitionRecord``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction


class TransitionRefused(PermissionDenied):
    """A transition that cannot happen now, with a French explanation."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


# effect(obj, *, actor, record, data) -> optional detail lines for the notification.
Effect = Callable[..., list[str] | None]
# guard(obj, *, actor, data): raises ValidationError when the data rule the step out.
Guard = Callable[..., None]
# audience(obj) -> the people to tell.
Audience = Callable[[Any], Iterable]


# A row whose target is ``STAYS`` changes something else than the status (a due date, a
# provider) and keeps the object where it is, recorded all the same.
STAYS = None


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None
    permission: str
    label: str
    # A sentence for the confirmation, the notification and the automatic message.
    description: str = ""
    needs_reason: bool = False
    style: str = "primary"
    guard: Guard | None = None
    effect: Effect | None = None
    audience: tuple[Audience, ...] = ()
    # Who speaks in the automatic message of a thread (``Speaker``), if the workflow has one.
    speaker: str = ""
    # An acknowledgement for the people the step concerns, the actor included (« votre
    # dossier est déposé, numéro… »): a ``Notice`` and its audience.
    receipt: "Notice | None" = None
    receipt_audience: tuple[Audience, ...] = ()
    # The label and help of the comment field on the transition form.
    reason_label: str = ""
    reason_help: str = ""
    # For a step that cannot be undone: the French warning of its confirmation page. The
    # step's buttons lead there, and only a POST that confirms it performs it.
    confirm: str = ""

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "audience", tuple(self.audience))
        object.__setattr__(self, "receipt_audience", tuple(self.receipt_audience))

    def target_from(self, current: str) -> str:
        return current if self.target is STAYS else self.target


class Speaker:
    """Who speaks in an automatic message: the words of the thread, not a role."""

    STRUCTURE = "structure"
    COORDINATION = "coordination"
    PROVIDER = "provider"
    COMMITTEE = "committee"
    FUNDER = "funder"
    SYSTEM = "system"


@dataclass(frozen=True)
class Notice:
    """How a workflow tells people: ``build(obj, record, transition, details)`` returns the
    subject, the e-mail template, its JSON-serialisable context and the page's URL."""

    build: Callable[..., dict]


@dataclass
class Workflow:
    name: str
    transitions: list[Transition]
    history: type  # a concrete ``TransitionRecord``
    status_labels: dict[str, str] = field(default_factory=dict)
    status_field: str = "status"
    # The permission that says who may read the object: the audience is filtered by it.
    view_permission: str = ""
    notice: Notice | None = None
    # announce(obj, record, transition): the automatic message of a thread, in the transaction.
    announce: Callable | None = None
    # Labels of the history lines that are not transitions (``record_event``).
    events: dict[str, str] = field(default_factory=dict)
    # The reason asked where a row ``needs_reason``: an optional coded motive (a
    # ``TextChoices``) and the free comment, with their French error messages.
    reasons: Any = None
    reason_missing: str = "Choisissez le motif."
    comment_missing: str = "Expliquez pourquoi : ce texte est transmis."
    # The name the comment has for the service's callers and forms (errors are keyed by it).
    comment_field: str = "comment"
    # The related objects read with the locked row (``select_related``).
    lock_related: tuple[str, ...] = ()

    def __post_init__(self):
        self._by_action = {transition.action: transition for transition in self.transitions}
        if len(self._by_action) != len(self.transitions):
            raise ValueError(f"Duplicate action in workflow {self.name}")
        clash = set(self._by_action) & set(self.events)
        if clash:
            raise ValueError(f"Events named like transitions in workflow {self.name}: {clash}")
        self.subject_field = self.history.subject_field

    # --- Reading the table -------------------------------------------------------

    def get(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise TransitionRefused("Cette action n'existe pas.") from None

    def label_of(self, status: str) -> str:
        return self.status_labels.get(status, status)

    def step_label(self, action: str) -> str:
        """The French name of a history line: the transition's label or the event's."""
        if action in self._by_action:
            return self._by_action[action].label
        return self.events.get(action, action)

    def check(self, action: str, actor, obj) -> Transition:
        """The transition, if ``actor`` may perform ``action`` on ``obj`` now."""
        transition = self.get(action)
        self._check_source(transition, obj)
        if not actor.has_perm(transition.permission, obj):
            raise TransitionRefused(
                f"Vous n'avez pas le droit d'effectuer l'action « {transition.label} »."
            )
        return transition

    def _check_source(self, transition: Transition, obj) -> None:
        current = getattr(obj, self.status_field)
        if current not in transition.sources:
            raise TransitionRefused(
                f"Action « {transition.label} » impossible : l'état actuel est "
                f"« {self.label_of(current)} »."
            )

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

    def history_of(self, obj) -> list:
        """The object's history, oldest first, each line with its French ``label``."""
        records = list(
            self.history.objects.filter(**{self.subject_field: obj}).select_related("actor")
        )
        for record in records:
            record.label = self.step_label(record.action)
        return records

    # --- Running it --------------------------------------------------------------

    def perform(
        self,
        obj,
        *,
        actor,
        action: str,
        comment: str = "",
        reason: str = "",
        check_permission: bool = True,
        **data,
    ):
        """Run the whole transition (see the module's docstring) and return its record.

        ``check_permission=False`` is for a step that follows from another action the
        actor was allowed to do (the first session held starts the plan); the source
        state is checked all the same.
        """
        with transaction.atomic():
            obj = self._locked(obj)
            transition = self.get(action)
            if check_permission:
                self.check(action, actor, obj)
            else:
                self._check_source(transition, obj)
            comment = (comment or "").strip()
            if transition.needs_reason:
                self._require_reason(reason, comment)
            if transition.guard is not None:
                transition.guard(obj, actor=actor, data=data)

            current = getattr(obj, self.status_field)
            record = self.history(
                **{self.subject_field: obj},
                action=action,
                from_status=current,
                to_status=transition.target_from(current),
                actor=actor,
                comment=comment,
            )
            if reason:
                record.reason = reason
            details = None
            if transition.effect is not None:
                details = transition.effect(obj, actor=actor, record=record, data=data)
            setattr(obj, self.status_field, record.to_status)
            obj.full_clean()
            obj.save()
            record.full_clean()
            record.save()
            if self.announce is not None:
                self.announce(obj, record, transition)
            self._after_commit(obj, record, transition, details or [])
        return record

    def record_event(self, obj, *, actor, event: str, comment: str = ""):
        """A history line that changes no status (a request created, a sign-off)."""
        if event not in self.events:
            raise ValueError(f"Undeclared event {event!r} in workflow {self.name}")
        current = getattr(obj, self.status_field)
        return self.history.objects.create(
            **{self.subject_field: obj},
            action=event,
            from_status=current,
            to_status=current,
            actor=actor,
            comment=(comment or "").strip(),
        )

    def audience_of(self, transition: Transition, obj, *, actor=None) -> tuple[list, list]:
        """The people a transition tells: its selectors' union, in order, without the
        actor and without whoever may not read the object; then, apart, those a selector
        marked ``told_without_access`` names although they can no longer read it (the
        provider a diagnostic was taken from): they are told without a link."""
        readers, outsiders = [], []
        for selector in transition.audience:
            for person in selector(obj):
                if person == actor or person in readers or person in outsiders:
                    continue
                if not self.view_permission or person.has_perm(self.view_permission, obj):
                    readers.append(person)
                elif getattr(selector, "told_without_access", False):
                    outsiders.append(person)
        return readers, outsiders

    def _locked(self, obj):
        model = type(obj)
        queryset = model.objects.select_for_update(of=("self",))
        if self.lock_related:
            queryset = queryset.select_related(*self.lock_related)
        return queryset.get(pk=obj.pk)

    def _require_reason(self, reason: str, comment: str) -> None:
        if self.reasons is not None and reason not in self.reasons.values:
            raise ValidationError({"reason": self.reason_missing})
        if not comment:
            raise ValidationError({self.comment_field: self.comment_missing})

    def _after_commit(self, obj, record, transition: Transition, details: list[str]) -> None:
        if (self.notice is None or not transition.audience) and transition.receipt is None:
            return

        def tell():
            from ccr_portal.notifications.services import notify_many

            if self.notice is not None and transition.audience:
                readers, outsiders = self.audience_of(transition, obj, actor=record.actor)
                notice = self.notice.build(obj, record, transition, details)
                if readers:
                    notify_many(recipients=readers, **notice)
                if outsiders:
                    notify_many(recipients=outsiders, **{**notice, "url": ""})
            if transition.receipt is not None:
                receivers = []
                for selector in transition.receipt_audience:
                    receivers.extend(selector(obj))
                receivers = [
                    person
                    for person in dict.fromkeys(receivers)
                    if not self.view_permission or person.has_perm(self.view_permission, obj)
                ]
                if receivers:
                    notify_many(
                        recipients=receivers,
                        **transition.receipt.build(obj, record, transition, details),
                    )

        # A notification that fails must not undo, nor hide, a committed transition.
        transaction.on_commit(tell, robust=True)
