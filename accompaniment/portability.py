"""What the accompaniment app holds about a structure, for the structure's data export."""

from ccr_portal.portability import record, register_structure_data


def accompaniment_data(structure, files) -> dict:
    plans = []
    for plan in structure.development_plans.order_by("pk"):
        plans.append(
            {
                **record(plan, exclude=("structure",)),
                "themes": [record(t, exclude=("plan",)) for t in plan.themes.all()],
                "actions": [record(a, exclude=("plan",)) for a in plan.actions.all()],
            }
        )
    gpec = getattr(structure, "gpec_sheet", None)
    return {
        "plans": plans,
        "gpec": (
            {
                **record(gpec, exclude=("structure",)),
                "emplois": [record(j, exclude=("sheet",)) for j in gpec.jobs.all()],
            }
            if gpec
            else None
        ),
        "formations_qualifiantes": [
            record(t, exclude=("structure",)) for t in structure.qualifying_trainings.all()
        ],
        "grilles_qades": [
            {
                **record(g, exclude=("structure",)),
                "lignes": [record(line, exclude=("grid",)) for line in g.lines.all()],
            }
            for g in structure.qades_grids.all()
        ],
    }


def register() -> None:
    register_structure_data("accompagnement", accompaniment_data)
