"""Demo of the financial accompaniment: the six example products, a response per selected
resident, requests in every state across the six products, one grant with disbursements
and a repayment schedule, and ESIA's credit line near its limit.

Everything goes through the services and the workflow (so the history, the messages and
the financing files exist); only the dates of past steps are moved back afterwards.
Idempotent: a resident who has requests is left as it is.
"""

import datetime
from decimal import Decimal as D

from django.utils import timezone

from applicants.models import Campaign, FinancingCategory, Membership, Structure
from ccr_portal.notifications.models import Notification
from ccr_portal.users.demo import demo_account
from ccr_portal.users.models import Funder, Role, RoleAssignment, User

from .catalogue import ensure_products
from .models import CreditLine, FinancingRequest, RequestStatus
from .services.requests import disbursement_record, request_transition, request_update
from .services.responses import (
    LineEntry,
    NeedEntry,
    needs_prefill,
    needs_save,
    response_create_requests,
    response_for,
    response_save,
    working_capital_apply,
)

CAMPAIGN = "Appel à candidatures CCR 2011"
URSCOP_OFFICER = ("urscop@example.org", "Karim", "Haddad")
C = FinancingCategory

# The month each category is needed, counted from the next month: all residents at once.
MONTH_OFFSETS = {
    C.MOVING: 2,
    C.SHOP_FITOUT: 1,
    C.INITIAL_STOCK: 2,
    C.WORKING_CAPITAL: 3,
    C.PRODUCTIVE_INVESTMENT: 1,
}

# Structure → (other resources, needs {category: amount} or None for the dossier's and the
# plan's, lines: (product code, category, amount, months, share, the steps to walk)).
RESIDENTS = {
    "Ressourcerie du Canet": (
        D("10000"),
        {C.SHOP_FITOUT: D("22000"), C.PRODUCTIVE_INVESTMENT: D("12000"), C.MOVING: D("4000")},
        [
            ("fris", C.SHOP_FITOUT, D("25000"), 60, None, ["submit", "forward", "grant"]),
            (
                "contrat-apport-associatif",
                C.PRODUCTIVE_INVESTMENT,
                D("15000"),
                36,
                None,
                ["submit", "forward"],
            ),
        ],
    ),
    "Comptoir Équitable de Noailles": (
        D("20000"),
        {C.SHOP_FITOUT: D("45000"), C.INITIAL_STOCK: D("15000"), C.MOVING: D("3500")},
        [
            ("garantie", C.SHOP_FITOUT, D("60000"), 60, D("50"), ["submit", "forward", "grant"]),
            (
                "garantie-court-terme",
                C.INITIAL_STOCK,
                D("15000"),
                12,
                D("50"),
                ["submit", "forward", "decline"],
            ),
        ],
    ),
    "Fil Rouge Textile": (
        D("8000"),
        {C.PRODUCTIVE_INVESTMENT: D("30000"), C.SHOP_FITOUT: D("18000")},
        [
            ("pargest", C.PRODUCTIVE_INVESTMENT, D("30000"), 60, None, ["submit", "forward"]),
            ("fris", C.SHOP_FITOUT, D("18000"), 48, None, []),
        ],
    ),
    "Café Associatif de la Plaine": (
        D("5000"),
        {C.MOVING: D("3000"), C.INITIAL_STOCK: D("6000")},
        [
            ("fonds-amorcage-associatif", C.INITIAL_STOCK, D("8000"), 12, None, ["submit"]),
            (
                "contrat-apport-associatif",
                C.MOVING,
                D("12000"),
                36,
                None,
                ["submit", "request_changes"],
            ),
        ],
    ),
    # Left for the journey: its needs are declared, the split is for the structure and
    # Regain to make (contrat d'apport associatif and a FRIS loan); one old request was
    # withdrawn.
    "Atelier Vélo Solidaire": (
        D("0"),
        None,
        [("fonds-amorcage-associatif", C.WORKING_CAPITAL, D("6000"), 12, None, ["withdraw"])],
    ),
}

GRANTS = {
    "fris": {
        "granted_amount": D("22000"),
        "granted_rate": D("2"),
        "granted_months": 60,
        "granted_deferral_months": 6,
        "grant_conditions": "Versement en deux fois, le second sur présentation des factures "
        "d'aménagement.",
    },
    "garantie": {
        "granted_amount": D("60000"),
        "granted_share": D("50"),
        "grant_conditions": "Prêt bancaire du Crédit Coopératif ; commission de 2 %.",
    },
}
COMMENTS = {
    "request_changes": "Joignez le budget prévisionnel de l'année N et précisez l'apport "
    "des autres financeurs.",
    "decline": "Le crédit relais n'est pas nécessaire : la subvention régionale est versée "
    "avant l'ouverture.",
}


def load(stdout) -> None:
    first_notification = (
        Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    _build()
    # The demo's notifications stay in the portal; nobody needs their e-mails.
    Notification.objects.filter(pk__gte=first_notification).update(emailed_at=timezone.now())
    counts = ", ".join(
        f"{label.lower()} {FinancingRequest.objects.filter(status=code).count()}"
        for code, label in RequestStatus.choices
    )
    stdout.write(f"Financement : demandes {counts}.")
    stdout.write("  funder@example.org (ESIA) et urscop@example.org (URSCOP PACA) : chargés")
    stdout.write("  de financement ; velo@example.org répartit ses besoins (journée d'essai).")


def _build() -> None:
    funders = {f.short_name: f for f in Funder.objects.all()}
    if not {"ESIA", "URSCOP"} <= set(funders):
        return
    officer = demo_account(*URSCOP_OFFICER)
    RoleAssignment.objects.get_or_create(user=officer, role=Role.FUNDER)
    funders["URSCOP"].members.add(officer)
    products = ensure_products(funders)
    campaign = Campaign.objects.filter(title=CAMPAIGN).first()
    if campaign is None:
        return
    coordinator = User.objects.get(email="coordinator@example.org")
    officers = {
        "ESIA": User.objects.get(email="funder@example.org"),
        "URSCOP": officer,
    }
    _credit_lines(funders, products)
    today = timezone.localdate()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    for name, (other, needs, lines) in RESIDENTS.items():
        structure = Structure.objects.filter(name=name).first()
        if structure is None:
            continue
        membership = (
            structure.memberships.filter(role=Membership.Role.EDITOR)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        editor = membership.user
        if FinancingRequest.objects.filter(structure=structure, campaign=campaign).exists():
            continue
        response = response_for(structure=structure, campaign=campaign)
        needs_prefill(structure=structure, campaign=campaign, actor=coordinator)
        if needs:
            needs_save(
                structure=structure,
                campaign=campaign,
                actor=coordinator,
                entries=[
                    NeedEntry(code, needs.get(code), _month(first, code))
                    for code in C.values
                    if code in needs
                ],
            )
        if name == "Atelier Vélo Solidaire":
            working_capital_apply(
                structure=structure,
                campaign=campaign,
                actor=editor,
                stock=D("4000"),
                receivables=D("2500"),
                debts=D("1500"),
                needed_on=_month(first, C.WORKING_CAPITAL),
            )
        response_save(
            response=response,
            actor=coordinator,
            other_resources=other,
            entries=[
                LineEntry(products[code], category, amount, months, share)
                for code, category, amount, months, share, _steps in lines
            ],
        )
        requests = response_create_requests(response=response, actor=coordinator)
        for request, (code, category, amount, months, share, steps) in zip(
            requests, lines, strict=True
        ):
            request_update(
                request=request,
                actor=editor,
                amount=amount,
                duration_months=months,
                deferral_months=6 if code == "fris" else 0,
                guaranteed_share=share,
                project=f"Installation {structure.name} à la CCR : "
                f"{dict(C.choices)[category].lower()}.",
                uses=[(category, amount, "")],
            )
            actors = {
                "submit": editor,
                "withdraw": editor,
                "request_changes": coordinator,
                "forward": coordinator,
                "grant": officers[request.product.funder.short_name],
                "decline": officers[request.product.funder.short_name],
            }
            for step in steps:
                data = {}
                if step == "grant":
                    data = {
                        **GRANTS[code],
                        "committee_date": today - datetime.timedelta(days=20),
                        "first_due_on": first if code == "fris" else None,
                    }
                if step == "forward":
                    data = {"envelope_override": "Installation prioritaire du premier résident."}
                request_transition(
                    request=request,
                    actor=actors[step],
                    action=step,
                    comment=COMMENTS.get(step, ""),
                    **data,
                )
            request.refresh_from_db()
            if request.status == RequestStatus.GRANTED and code == "fris":
                for days, paid in ((15, D("12000")), (5, D("6000"))):
                    disbursement_record(
                        request=request,
                        actor=coordinator,
                        day=today - datetime.timedelta(days=days),
                        amount=paid,
                        note="Sur facture" if days == 5 else "Premier versement",
                    )
            _backdate(request, today)


def _month(first: datetime.date, category: str) -> datetime.date:
    offset = MONTH_OFFSETS[category]
    month = first
    for _ in range(offset):
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return month


# When the last step of a request in each state happened, in days before now: a forwarded
# request has waited 25 days (the fund's reminder is due), changes were asked 8 days ago
# (the structure's reminder is due), the decisions came at the commitment committee.
_LAST_STEP_DAYS_AGO = {
    RequestStatus.SUBMITTED: 3,
    RequestStatus.CHANGES_REQUESTED: 8,
    RequestStatus.FORWARDED: 25,
    RequestStatus.GRANTED: 20,
    RequestStatus.DECLINED: 20,
    RequestStatus.WITHDRAWN: 10,
}
_DAYS_BETWEEN_STEPS = 3


def _backdate(request: FinancingRequest, today) -> None:
    """The request's history at plausible past dates, in the order of its steps, and the
    dates the request keeps set from the very lines that made them (issue 9, point 18)."""
    lines = list(request.transitions.order_by("created_at", "pk"))
    if not lines:
        return
    now = timezone.now()
    last = now - datetime.timedelta(days=_LAST_STEP_DAYS_AGO.get(request.status, 3))
    moments = [
        last - datetime.timedelta(days=_DAYS_BETWEEN_STEPS * (len(lines) - 1 - index))
        for index in range(len(lines))
    ]
    for line, moment in zip(lines, moments, strict=True):
        type(line).objects.filter(pk=line.pk).update(created_at=moment)
    when = {line.action: moment for line, moment in zip(lines, moments, strict=True)}
    updates = {"created_at": moments[0] - datetime.timedelta(days=2)}
    for field, action in (
        ("submitted_at", "submit"),
        ("forwarded_at", "forward"),
        ("changes_requested_at", "request_changes"),
    ):
        if getattr(request, field) and action in when:
            updates[field] = when[action]
    if request.decided_at:
        updates["decided_at"] = when.get("grant") or when.get("decline") or last
    FinancingRequest.objects.filter(pk=request.pk).update(**updates)
    # The thread's automatic status messages, one per step, follow their steps.
    automatic = list(request.messages.filter(is_automatic=True).order_by("created_at", "pk"))
    if len(automatic) == len(lines):
        for message, moment in zip(automatic, moments, strict=True):
            type(message).objects.filter(pk=message.pk).update(created_at=moment)


def _credit_lines(funders, products) -> None:
    year = timezone.localdate().year
    esia, created = CreditLine.objects.get_or_create(
        funder=funders["ESIA"],
        name="Ligne de crédit dédiée aux résidents de la CCR (ESIA)",
        defaults={
            "amount": D("42000"),
            "starts_on": datetime.date(year, 1, 1),
            "ends_on": datetime.date(year + 1, 12, 31),
            "cap_per_resident": D("40000"),
        },
    )
    if created:
        esia.products.set(
            [
                products["fonds-amorcage-associatif"],
                products["contrat-apport-associatif"],
                products["fris"],
            ]
        )
    urscop, created = CreditLine.objects.get_or_create(
        funder=funders["URSCOP"],
        name="Enveloppe PARGEST pour les coopératives de la CCR",
        defaults={
            "amount": D("100000"),
            "starts_on": datetime.date(year, 1, 1),
            "ends_on": datetime.date(year + 1, 12, 31),
        },
    )
    if created:
        urscop.products.set([products["pargest"]])
