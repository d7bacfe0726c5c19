"""Needs against offer: every figure of the scheme, in pure functions.

Nothing here reads the database, the settings or the clock: ``selectors.load_facts``
gathers plain data in a fixed number of queries, and these functions turn it into the
figures of the quantification page, the scenarios, the calibration brief and the
report. Each rule below can be checked by hand.

**Period.** A run of whole months from a first month. Each need and each offer falls in
one month; what falls before the period counts in its first month (it is due now), what
falls after it is left out.

**Phases.** Axis A (diagnostics, light or full) is phase 1, axis B (securing) phase 2;
axes C to F come after the selection (« suite »).

**Need, per structure, from the best source available** (the source is recorded):

1. Phase 1: each diagnostic asked for and not yet delivered (requested, accepted,
   assigned, in progress) needs the consultant days of its kind (``diagnostic_days``),
   in the month of its due date, else now. A structure with no diagnostic at all that
   wished axis A needs a full one at the default days of axis A (source « axes
   souhaités »).
2. Axes B to F, the first source that says something:
   a. ``diagnostic``: the recommendations of its latest validated or covered diagnostic,
      in the month after the diagnostic concluded;
   b. ``plan``: the actions of its plan not yet completed, now;
   c. ``wishes``: the axes its dossier wishes, each at the axis' default days, in the
      month after now (a diagnostic comes first).
   From (a) and (c) the days of the plan's completed actions on the same axis are
   deducted (never below zero): the need is what remains to give.

**Offer, per axis and month.** A provider gives its declared consultant days for the
month, else its usual monthly days, shared equally between the axes it covers. An
existing scheme (DLA, RAMSESS, a collective DLA's places) gives its places × days per
place, spread equally over the months it runs (counted in the period only).

**Gap.** Need the offer cannot meet in its month waits for the next one: in each month
and axis, what still waits at the month's end is ``max(waiting before + need - offer,
0)`` (spare days serve what waits, never a later month's need). A month with something
waiting is a bottleneck: the structures are served late. The gap of an axis is what
still waits at the end of the period: days the offer cannot give in time. In euros:
gap days × the axis' rate, the mean daily rate of the providers covering the axis
(those with a rate), else the default rate. **Who pays** the gap: it is split between
the funding schemes of the providers covering the axis in proportion to their days
over the period; with none, it is « à trouver ».

**Scenarios** replace phases 1 and 2 by a model of the expected residents (see
``scenario_needs``) and change the providers' capacity; axes C to F keep today's need.

**The money side** (``money_figures``): the dossiers' financing needs by category, in
the month the structure moves in, against the funds' envelopes, with the same waiting
rule; what is left is uncovered. An envelope is a dedicated credit line's amount spread
equally over the months it runs, for the needs its products may finance
(``selectors.load_envelopes``).

The issue asks for one module: it stays one, in that order (inputs, outputs, need,
offer, figures, scenarios, money).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from ccr_portal.axes import AXIS_LETTERS, Axis

ZERO = Decimal("0")
CENT = Decimal("0.01")
UNPAID = ""  # the gap no provider's scheme pays: « à trouver »

OPEN_DIAGNOSTIC_STATUSES = ("requested", "accepted", "assigned", "in_progress")
CONCLUDED_DIAGNOSTIC_STATUSES = ("validated", "covered")


class Source:
    REQUEST = "request"
    DIAGNOSTIC = "diagnostic"
    PLAN = "plan"
    WISHES = "wishes"
    SCENARIO = "scenario"

    LABELS = {
        REQUEST: "Diagnostic demandé ou en cours",
        DIAGNOSTIC: "Recommandations du diagnostic validé ou couvert",
        PLAN: "Actions du plan",
        WISHES: "Axes souhaités du dossier (jours par défaut)",
        SCENARIO: "Résidents attendus du scénario",
    }


PHASE_LABELS = {1: "Phase 1 : diagnostics", 2: "Phase 2 : sécurisation", 3: "Après la sélection"}
KIND_LABELS = {"light": "diagnostics légers", "full": "diagnostics complets"}


def phase_of(axis: str) -> int:
    return {Axis.DIAGNOSTIC: 1, Axis.SECURING: 2}.get(axis, 3)


# --- Months -----------------------------------------------------------------------


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: datetime.date  # a first day of a month
    length: int = 6

    @property
    def months(self) -> list[datetime.date]:
        return [add_months(self.start, index) for index in range(self.length)]

    @property
    def end(self) -> datetime.date:
        """The first day of the period's last month."""
        return add_months(self.start, self.length - 1)

    @property
    def last_day(self) -> datetime.date:
        return add_months(self.start, self.length) - datetime.timedelta(days=1)

    def place(self, day: datetime.date | None) -> datetime.date | None:
        """The month of the period a dated thing falls in: now if earlier or undated,
        ``None`` if after the period."""
        if day is None:
            return self.start
        month = month_of(day)
        if month < self.start:
            return self.start
        if month > self.end:
            return None
        return month


# --- Inputs (plain data, from selectors.load_facts) -------------------------------


@dataclass(frozen=True)
class DiagnosticFact:
    kind: str  # light | full
    status: str
    due_date: datetime.date | None = None
    concluded_on: datetime.date | None = None
    recommendations: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class ActionFact:
    axis: str
    days: Decimal
    completed: bool = False


@dataclass(frozen=True)
class StructureFacts:
    id: int
    name: str
    site: str = ""  # allocated by the committee, else first choice; "" if neither
    diagnostics: tuple[DiagnosticFact, ...] = ()
    actions: tuple[ActionFact, ...] = ()
    wished_axes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderFact:
    id: int
    name: str
    axes: tuple[str, ...]
    rate: Decimal | None
    payer: str
    usual_days: Decimal
    declared: Mapping[datetime.date, Decimal] = field(default_factory=dict)

    def capacity(self, month: datetime.date) -> Decimal:
        return Decimal(self.declared.get(month, self.usual_days))


@dataclass(frozen=True)
class SchemeFact:
    """An existing scheme recorded as offer (``models.OfferScheme``)."""

    id: int
    name: str
    axis: str
    payer: str
    total_days: Decimal
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass(frozen=True)
class Assumptions:
    """The settings the figures need, passed in (``selectors.assumptions``)."""

    default_days: Mapping[str, Decimal]
    diagnostic_days: Mapping[str, Decimal]
    default_rate: Decimal


# --- Outputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class NeedLine:
    axis: str
    days: Decimal
    month: datetime.date
    source: str
    structure_id: int | None = None  # None: modelled residents of a scenario
    structure_name: str = ""
    kind: str = ""  # light | full for a diagnostic
    residents: int = 0  # how many modelled residents this line stands for


@dataclass(frozen=True)
class OfferLine:
    axis: str
    days: Decimal
    month: datetime.date
    payer: str
    origin: str  # the provider's or the scheme's name


@dataclass
class Cell:
    need: Decimal = ZERO
    offer: Decimal = ZERO
    structures: int = 0
    # What waits at the month's end (carried over from earlier months included).
    gap: Decimal = ZERO


@dataclass
class AxisRow:
    axis: str
    rate: Decimal
    months: dict[datetime.date, Cell]
    structures: int = 0
    need_by_kind: dict[str, Decimal] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)  # source -> structures
    offer_by_payer: dict[str, Decimal] = field(default_factory=dict)
    gap_by_payer: dict[str, Decimal] = field(default_factory=dict)  # euros

    @property
    def phase(self) -> int:
        return phase_of(self.axis)

    @property
    def letter(self) -> str:
        return AXIS_LETTERS[self.axis]

    @property
    def label(self) -> str:
        return Axis(self.axis).label

    @property
    def need(self) -> Decimal:
        return sum((cell.need for cell in self.months.values()), ZERO)

    @property
    def offer(self) -> Decimal:
        return sum((cell.offer for cell in self.months.values()), ZERO)

    @property
    def gap(self) -> Decimal:
        """What still waits at the end of the period."""
        return list(self.months.values())[-1].gap if self.months else ZERO

    @property
    def gap_euros(self) -> Decimal:
        return euros(self.gap * self.rate)

    def month_gap_euros(self, month) -> Decimal:
        return euros(self.months[month].gap * self.rate)


@dataclass
class Quantification:
    period: Period
    rows: list[AxisRow]
    # Structures in the need: the named ones plus the modelled residents of a scenario.
    structures: int
    # The need lines behind the figures; empty when they come from a ``NeedSummary``
    # alone (the pages: only the exports and the structures behind a figure list them).
    needs: list[NeedLine] = field(default_factory=list)

    @property
    def need(self) -> Decimal:
        return sum((row.need for row in self.rows), ZERO)

    @property
    def offer(self) -> Decimal:
        return sum((row.offer for row in self.rows), ZERO)

    @property
    def gap(self) -> Decimal:
        return sum((row.gap for row in self.rows), ZERO)

    @property
    def gap_euros(self) -> Decimal:
        return sum((row.gap_euros for row in self.rows), ZERO)

    def row(self, axis: str) -> AxisRow:
        return next(row for row in self.rows if row.axis == axis)

    def month_totals(self) -> list[dict]:
        """Need, offer, gap (days and euros) of all axes, month by month."""
        return [
            {
                "month": month,
                "need": sum((row.months[month].need for row in self.rows), ZERO),
                "offer": sum((row.months[month].offer for row in self.rows), ZERO),
                "gap": sum((row.months[month].gap for row in self.rows), ZERO),
                "gap_euros": sum((row.month_gap_euros(month) for row in self.rows), ZERO),
            }
            for month in self.period.months
        ]

    def gap_by_payer(self) -> dict[str, Decimal]:
        total: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for row in self.rows:
            for payer, amount in row.gap_by_payer.items():
                total[payer] += amount
        return dict(total)

    def payers(self) -> list[tuple[str, Decimal, Decimal]]:
        """Each funding scheme with the offer it pays (days) and its share of the gap (€)."""
        offer, gap = self.offer_by_payer(), self.gap_by_payer()
        return [
            (payer, offer.get(payer, ZERO), gap.get(payer, ZERO))
            for payer in sorted(set(offer) | set(gap), key=lambda code: (code == UNPAID, code))
        ]

    def offer_by_payer(self) -> dict[str, Decimal]:
        total: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for row in self.rows:
            for payer, days in row.offer_by_payer.items():
                total[payer] += days
        return dict(total)


def euros(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def spread(total: Decimal, months: list[datetime.date]) -> list[tuple[datetime.date, Decimal]]:
    """``total`` shared equally over ``months`` to the hundredth, the rest in the last
    month so that the parts add up to the total exactly."""
    if not months:
        return []
    share = (Decimal(total) / len(months)).quantize(CENT, rounding=ROUND_HALF_UP)
    parts = [share] * (len(months) - 1)
    parts.append(Decimal(total) - sum(parts, ZERO))
    return list(zip(months, parts, strict=True))


def running_months(starts_on: datetime.date, ends_on: datetime.date) -> list[datetime.date]:
    """The months from the one of ``starts_on`` to the one of ``ends_on``, both counted."""
    count = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month + 1
    return [add_months(month_of(starts_on), index) for index in range(count)]


# --- Need -------------------------------------------------------------------------


def structure_needs(
    structure: StructureFacts, period: Period, assumptions: Assumptions
) -> list[NeedLine]:
    """The need lines of one structure, each with its source (rules in the module's doc)."""
    lines: list[NeedLine] = []

    def add(axis, days, month, source, kind=""):
        if month is not None and days > 0:
            lines.append(
                NeedLine(
                    axis=axis,
                    days=Decimal(days),
                    month=month,
                    source=source,
                    structure_id=structure.id,
                    structure_name=structure.name,
                    kind=kind,
                )
            )

    # Phase 1: the diagnostics still to run.
    for diagnostic in structure.diagnostics:
        if diagnostic.status in OPEN_DIAGNOSTIC_STATUSES:
            add(
                Axis.DIAGNOSTIC,
                assumptions.diagnostic_days[diagnostic.kind],
                period.place(diagnostic.due_date),
                Source.REQUEST,
                kind=diagnostic.kind,
            )
    if not structure.diagnostics and Axis.DIAGNOSTIC in structure.wished_axes:
        add(
            Axis.DIAGNOSTIC,
            assumptions.default_days[Axis.DIAGNOSTIC],
            period.start,
            Source.WISHES,
            kind="full",
        )

    # Axes B to F: the best source.
    completed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for action in structure.actions:
        if action.completed:
            completed[action.axis] += action.days
    concluded = [
        diagnostic
        for diagnostic in structure.diagnostics
        if diagnostic.status in CONCLUDED_DIAGNOSTIC_STATUSES and diagnostic.recommendations
    ]
    if concluded:
        latest = max(concluded, key=lambda d: d.concluded_on or datetime.date.min)
        after = add_months(month_of(latest.concluded_on), 1) if latest.concluded_on else None
        for axis, days in latest.recommendations:
            if axis != Axis.DIAGNOSTIC:
                add(axis, max(days - completed[axis], ZERO), period.place(after), Source.DIAGNOSTIC)
        return lines
    if structure.actions:
        for action in structure.actions:
            if not action.completed and action.axis != Axis.DIAGNOSTIC:
                add(action.axis, action.days, period.start, Source.PLAN)
        return lines
    for axis in structure.wished_axes:
        if axis != Axis.DIAGNOSTIC:
            days = Decimal(assumptions.default_days[axis])
            add(
                axis,
                max(days - completed[axis], ZERO),
                period.place(add_months(period.start, 1)),
                Source.WISHES,
            )
    return lines


def needs_of(
    structures: Iterable[StructureFacts], period: Period, assumptions: Assumptions
) -> list[NeedLine]:
    return [line for s in structures for line in structure_needs(s, period, assumptions)]


def source_of(lines: Iterable[NeedLine]) -> dict[int, str]:
    """The source used for each structure's axes B–F (or phase 1 only, if nothing else)."""
    found: dict[int, str] = {}
    for line in lines:
        if line.structure_id is None:
            continue
        if line.axis != Axis.DIAGNOSTIC or line.structure_id not in found:
            found[line.structure_id] = line.source
    return found


# --- Offer ------------------------------------------------------------------------


def offer_lines(
    providers: Iterable[ProviderFact], schemes: Iterable[SchemeFact], period: Period
) -> list[OfferLine]:
    lines = []
    for provider in providers:
        if not provider.axes:
            continue
        for month in period.months:
            share = Decimal(provider.capacity(month)) / len(provider.axes)
            for axis in provider.axes:
                if share > 0:
                    lines.append(OfferLine(axis, share, month, provider.payer, provider.name))
    for scheme in schemes:
        for month, days in spread(
            scheme.total_days, running_months(scheme.starts_on, scheme.ends_on)
        ):
            if period.start <= month <= period.end and days > 0:
                lines.append(OfferLine(scheme.axis, days, month, scheme.payer, scheme.name))
    return lines


def axis_rate(axis: str, providers: Iterable[ProviderFact], default_rate: Decimal) -> Decimal:
    """The mean daily rate of the providers covering ``axis`` that have one, else the default."""
    rates = [p.rate for p in providers if axis in p.axes and p.rate is not None]
    if not rates:
        return Decimal(default_rate)
    return euros(sum(rates, ZERO) / len(rates))


# --- The figures ------------------------------------------------------------------


@dataclass(frozen=True)
class AxisNeed:
    """What the figures keep of an axis' need lines: sums and counts of structures."""

    months: Mapping[datetime.date, Decimal]  # the need of each month that has one
    month_structures: Mapping[datetime.date, int]
    structures: int
    need_by_kind: Mapping[str, Decimal]
    sources: Mapping[str, int]  # source -> structures (in the lines' order)


@dataclass(frozen=True)
class NeedSummary:
    """The need lines reduced to what ``quantify`` reads: small, whatever the number of
    structures (``selectors.need_summary`` caches it)."""

    axes: Mapping[str, AxisNeed]
    named: int  # structures with a line
    named_later: int  # structures with a line after the selection (axes C to F)
    modelled: int  # a scenario's modelled residents

    @property
    def structures(self) -> int:
        return self.named + self.modelled


def summarise(needs: Iterable[NeedLine]) -> NeedSummary:
    """Need per axis and month, how many structures (named, modelled) and their sources."""
    by_axis: dict[str, list[NeedLine]] = defaultdict(list)
    for line in needs:
        by_axis[line.axis].append(line)
    axes = {}
    named_all: set[int] = set()
    named_later: set[int] = set()
    modelled_all = 0
    for axis, lines in by_axis.items():
        months: dict[datetime.date, Decimal] = {}
        per_month_structures: dict[datetime.date, set] = defaultdict(set)
        modelled_by_month: dict[datetime.date, int] = defaultdict(int)
        by_source: dict[str, set] = defaultdict(set)
        kinds: dict[str, Decimal] = defaultdict(lambda: ZERO)
        modelled = 0
        for line in lines:
            months[line.month] = months.get(line.month, ZERO) + line.days
            if line.kind:
                kinds[line.kind] += line.days
            if line.structure_id is None:
                modelled = max(modelled, line.residents)
                modelled_by_month[line.month] = max(modelled_by_month[line.month], line.residents)
            else:
                per_month_structures[line.month].add(line.structure_id)
                by_source[line.source].add(line.structure_id)
        named = {line.structure_id for line in lines if line.structure_id is not None}
        sources = {source: len(members) for source, members in by_source.items()}
        if modelled:
            sources[Source.SCENARIO] = modelled
        axes[axis] = AxisNeed(
            months=months,
            month_structures={
                month: len(per_month_structures[month]) + modelled_by_month[month]
                for month in months
            },
            structures=len(named) + modelled,
            need_by_kind=dict(kinds),
            sources=sources,
        )
        named_all |= named
        if phase_of(axis) == 3:
            named_later |= named
        modelled_all = max(modelled_all, modelled)
    return NeedSummary(
        axes=axes, named=len(named_all), named_later=len(named_later), modelled=modelled_all
    )


def quantify(
    needs: list[NeedLine] | NeedSummary,
    offers: list[OfferLine],
    providers: list[ProviderFact],
    period: Period,
    default_rate: Decimal,
) -> Quantification:
    """Need, offer and gap per axis and month, in days and euros, and who pays; from the
    need lines or their summary (the same figures, the lines kept if given)."""
    summary = needs if isinstance(needs, NeedSummary) else summarise(needs)
    rows = []
    for axis in Axis.values:
        row = AxisRow(
            axis=axis,
            rate=axis_rate(axis, providers, default_rate),
            months={month: Cell() for month in period.months},
        )
        axis_need = summary.axes.get(axis)
        if axis_need is not None:
            for month, days in axis_need.months.items():
                row.months[month].need += days
                row.months[month].structures = axis_need.month_structures[month]
            row.structures = axis_need.structures
            row.need_by_kind = dict(axis_need.need_by_kind)
            row.sources = dict(axis_need.sources)
        offer_by_payer: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in offers:
            if line.axis == axis:
                row.months[line.month].offer += line.days
                offer_by_payer[line.payer] += line.days
        waiting = ZERO
        for month in period.months:
            cell = row.months[month]
            waiting = max(waiting + cell.need - cell.offer, ZERO)
            cell.gap = waiting
        row.offer_by_payer = {payer: euros(days) for payer, days in offer_by_payer.items()}
        row.gap_by_payer = split_gap(row.gap_euros, axis, providers, period)
        rows.append(row)
    return Quantification(
        period=period,
        rows=rows,
        structures=summary.structures,
        needs=[] if isinstance(needs, NeedSummary) else needs,
    )


def split_gap(
    amount: Decimal, axis: str, providers: list[ProviderFact], period: Period
) -> dict[str, Decimal]:
    """``amount`` split by funding scheme, in proportion to the days of the axis'
    providers over the period; the rounding rest goes to the largest share."""
    if amount <= 0:
        return {}
    weights: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for provider in providers:
        if axis in provider.axes:
            for month in period.months:
                weights[provider.payer] += Decimal(provider.capacity(month)) / len(provider.axes)
    total = sum(weights.values(), ZERO)
    if total <= 0:
        return {UNPAID: amount}
    shares = {payer: euros(amount * weight / total) for payer, weight in weights.items() if weight}
    largest = max(shares, key=lambda payer: (shares[payer], payer))
    shares[largest] += amount - sum(shares.values(), ZERO)
    return shares


def lines_behind(
    needs: Iterable[NeedLine], *, axis: str = "", month=None, source: str = "", kind: str = ""
) -> list[dict]:
    """The structures behind a figure: their days on the filtered lines, by name."""
    found: dict[int, dict] = {}
    for line in needs:
        if line.structure_id is None:
            continue
        if (axis and line.axis != axis) or (month and line.month != month):
            continue
        if (source and line.source != source) or (kind and line.kind != kind):
            continue
        entry = found.setdefault(
            line.structure_id,
            {"id": line.structure_id, "name": line.structure_name, "days": ZERO, "sources": set()},
        )
        entry["days"] += line.days
        entry["sources"].add(line.source)
    for entry in found.values():
        entry["sources"] = [Source.LABELS[code] for code in sorted(entry["sources"])]
    return sorted(found.values(), key=lambda entry: (entry["name"].casefold(), entry["id"]))


# --- Scenarios --------------------------------------------------------------------


@dataclass(frozen=True)
class AddedProvider:
    name: str
    axes: tuple[str, ...]
    days: Decimal  # per month
    rate: Decimal | None = None
    payer: str = "other"


@dataclass(frozen=True)
class ScenarioParameters:
    """What a scenario changes. Shares are percentages (0 to 100)."""

    residents: int = 20
    full_share: int = 60
    light_days: Decimal = Decimal("1")
    full_days: Decimal = Decimal("3")
    securing_days: Decimal = Decimal("4")
    securing_before_selection: bool = False
    friche_share: int = 50
    # La Friche's residents must hold out longer (slow ramp-up): extra securing days each.
    friche_extra_days: Decimal = Decimal("1")
    selection_month: int = 2  # the committee's month, 1 = the period's first month
    capacities: Mapping[int, Decimal] = field(default_factory=dict)  # provider id -> days/month
    added_provider: AddedProvider | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["capacities"] = {str(k): str(v) for k, v in self.capacities.items()}
        for key in ("light_days", "full_days", "securing_days", "friche_extra_days"):
            data[key] = str(data[key])
        if self.added_provider is not None:
            added = data["added_provider"]
            added["axes"] = list(added["axes"])
            added["days"] = str(added["days"])
            added["rate"] = None if added["rate"] is None else str(added["rate"])
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "ScenarioParameters":
        values = dict(data)
        for key in ("light_days", "full_days", "securing_days", "friche_extra_days"):
            if key in values:
                values[key] = Decimal(str(values[key]))
        values["capacities"] = {
            int(k): Decimal(str(v)) for k, v in (values.get("capacities") or {}).items()
        }
        added = values.get("added_provider")
        if added:
            values["added_provider"] = AddedProvider(
                name=added["name"],
                axes=tuple(added["axes"]),
                days=Decimal(str(added["days"])),
                rate=None if added.get("rate") in (None, "") else Decimal(str(added["rate"])),
                payer=added.get("payer") or "other",
            )
        else:
            values["added_provider"] = None
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


def full_count(parameters: ScenarioParameters) -> int:
    """Residents needing a full diagnostic: the share of the residents, half rounded up."""
    return int(
        (Decimal(parameters.residents) * parameters.full_share / 100).quantize(
            Decimal("1"), rounding=ROUND_HALF_UP
        )
    )


def securing_days_each(parameters: ScenarioParameters) -> Decimal:
    """A securing accompaniment's days, with la Friche's extra days weighted by its share."""
    return parameters.securing_days + parameters.friche_extra_days * parameters.friche_share / 100


def scenario_needs(
    parameters: ScenarioParameters, period: Period, today: Iterable[NeedLine]
) -> list[NeedLine]:
    """Phases 1 and 2 modelled from the parameters; axes C–F as today.

    - ``full_count`` residents need a full diagnostic, the others a light one; the
      diagnostics' days are spread equally over the months up to the selection month.
    - Each resident with a full diagnostic then needs a securing accompaniment of
      ``securing_days_each`` days, spread equally over the months from the second to
      the selection month (before the selection), or over the months after it (after
      the selection); with no such month, the nearest one.
    """
    months = period.months
    selection = min(max(parameters.selection_month, 1), len(months))
    before = months[:selection]
    fulls = full_count(parameters)
    lights = parameters.residents - fulls
    lines = [line for line in today if phase_of(line.axis) == 3]
    # Every resident needs a diagnostic: the lines of axis A stand for all of them.
    for kind, count, days in (
        ("full", fulls, parameters.full_days),
        ("light", lights, parameters.light_days),
    ):
        for month, part in spread(count * days, before):
            if part > 0:
                lines.append(
                    NeedLine(
                        Axis.DIAGNOSTIC,
                        part,
                        month,
                        Source.SCENARIO,
                        kind=kind,
                        residents=parameters.residents,
                    )
                )
    if parameters.securing_before_selection:
        securing_months = months[1:selection] or months[:1]
    else:
        securing_months = months[selection:] or months[-1:]
    for month, part in spread(fulls * securing_days_each(parameters), securing_months):
        if part > 0:
            lines.append(NeedLine(Axis.SECURING, part, month, Source.SCENARIO, residents=fulls))
    return lines


def scenario_providers(
    parameters: ScenarioParameters, providers: list[ProviderFact]
) -> list[ProviderFact]:
    """The providers with the scenario's capacities (every month of the period), plus
    the added one."""
    changed = [
        replace(p, usual_days=parameters.capacities[p.id], declared={})
        if p.id in parameters.capacities
        else p
        for p in providers
    ]
    added = parameters.added_provider
    if added is not None and added.axes and added.days > 0:
        changed.append(
            ProviderFact(
                id=0,
                name=added.name,
                axes=tuple(added.axes),
                rate=added.rate,
                payer=added.payer,
                usual_days=added.days,
            )
        )
    return changed


# --- Everything at once -----------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What ``selectors.load_facts`` read: the only input of the figures."""

    structures: list[StructureFacts]
    providers: list[ProviderFact]
    schemes: list[SchemeFact]
    assumptions: Assumptions


def today_figures(
    facts: Facts, period: Period, summary: NeedSummary | None = None
) -> Quantification:
    """Today's figures: from the need lines of ``facts.structures``, or from their
    ``summary`` if given (the same figures, without the lines)."""
    needs = needs_of(facts.structures, period, facts.assumptions) if summary is None else summary
    offers = offer_lines(facts.providers, facts.schemes, period)
    return quantify(needs, offers, facts.providers, period, facts.assumptions.default_rate)


def scenario_figures(
    facts: Facts,
    period: Period,
    parameters: ScenarioParameters,
    summary: NeedSummary | None = None,
) -> Quantification:
    """A scenario's figures: from the need lines of ``facts.structures``, or from
    today's need ``summary`` if given (the same figures, without the lines)."""
    if summary is None:
        today = needs_of(facts.structures, period, facts.assumptions)
        needs = scenario_needs(parameters, period, today)
    else:
        needs = scenario_summary(parameters, period, summary)
    providers = scenario_providers(parameters, facts.providers)
    offers = offer_lines(providers, facts.schemes, period)
    return quantify(needs, offers, providers, period, facts.assumptions.default_rate)


def scenario_summary(
    parameters: ScenarioParameters, period: Period, today: NeedSummary
) -> NeedSummary:
    """``summarise(scenario_needs(parameters, period, today's lines))`` from today's
    summary: axes A and B modelled, axes C to F as today (their structures too)."""
    modelled = summarise(scenario_needs(parameters, period, ()))
    axes = {axis: need for axis, need in today.axes.items() if phase_of(axis) == 3}
    axes.update(modelled.axes)
    return NeedSummary(
        axes=axes,
        named=today.named_later,
        named_later=today.named_later,
        modelled=modelled.modelled,
    )


# --- The money side -----------------------------------------------------------------


@dataclass(frozen=True)
class MoneyNeed:
    """A dossier's financing need by category, due the month the structure moves in."""

    structure_id: int
    structure_name: str
    category: str
    amount: Decimal
    due_on: datetime.date | None


@dataclass(frozen=True)
class Envelope:
    """What a fund's product can give in a month, for a category ("" for any)."""

    fund: str
    category: str
    amount: Decimal
    month: datetime.date


@dataclass
class MoneyRow:
    category: str
    months: dict[datetime.date, Cell]
    structures: int = 0

    @property
    def need(self) -> Decimal:
        return sum((cell.need for cell in self.months.values()), ZERO)

    @property
    def envelope(self) -> Decimal:
        return sum((cell.offer for cell in self.months.values()), ZERO)

    @property
    def uncovered(self) -> Decimal:
        """What is still not covered at the end of the period (the same waiting rule as
        the days: an envelope left unused in a month serves what waits)."""
        return list(self.months.values())[-1].gap if self.months else ZERO


@dataclass(frozen=True)
class MoneySummary:
    """The financing needs reduced to what ``money_figures`` reads: the amount due per
    category and month of the period, and how many structures need each category
    (``selectors.money_summary`` has the database sum them)."""

    amounts: Mapping[tuple[str, datetime.date], Decimal]
    structures: Mapping[str, int]


def summarise_money(needs: Iterable[MoneyNeed], period: Period) -> MoneySummary:
    """A need counts in the month its structure moves in: now if earlier or unknown,
    left out if after the period."""
    amounts: dict[tuple[str, datetime.date], Decimal] = {}
    members: dict[str, set] = defaultdict(set)
    for need in needs:
        month = period.place(need.due_on)
        if month is None:
            continue
        key = (need.category, month)
        amounts[key] = amounts.get(key, ZERO) + need.amount
        members[need.category].add(need.structure_id)
    return MoneySummary(
        amounts=amounts, structures={category: len(ids) for category, ids in members.items()}
    )


def money_figures(
    needs: Iterable[MoneyNeed] | MoneySummary,
    envelopes: Iterable[Envelope],
    period: Period,
    categories: Iterable[str],
) -> list[MoneyRow]:
    """Financing needs by category and month against the funds' envelopes.

    A need counts in the month its structure moves in (``summarise_money``); an
    envelope for « any » category serves every category, in the categories' order,
    after the envelopes of their own.
    """
    summary = needs if isinstance(needs, MoneySummary) else summarise_money(needs, period)
    rows = {c: MoneyRow(c, {m: Cell() for m in period.months}) for c in categories}
    for (category, month), amount in summary.amounts.items():
        if category in rows:
            rows[category].months[month].need += amount
    general: dict[datetime.date, Decimal] = defaultdict(lambda: ZERO)
    for envelope in envelopes:
        if not period.start <= envelope.month <= period.end:
            continue
        if envelope.category in rows:
            rows[envelope.category].months[envelope.month].offer += envelope.amount
        elif envelope.category == "":
            general[envelope.month] += envelope.amount
    for row in rows.values():
        row.structures = summary.structures.get(row.category, 0)
        waiting = ZERO
        for month in period.months:
            cell = row.months[month]
            share = min(general[month], max(waiting + cell.need - cell.offer, ZERO))
            general[month] -= share
            cell.offer += share
            waiting = max(waiting + cell.need - cell.offer, ZERO)
            cell.gap = waiting
    return list(rows.values())
