"""What the diagnostics app holds about a structure, for the structure's data export."""

from ccr_portal.portability import record, register_structure_data


def diagnostics_data(structure, files) -> list[dict]:
    diagnostics = []
    for diagnostic in structure.diagnostics.select_related("provider").order_by(
        "requested_at", "pk"
    ):
        diagnostics.append(
            {
                **record(
                    diagnostic, exclude=("structure", "consultant", "requested_by", "signed_off_by")
                ),
                "document_existant": files.add(
                    f"diagnostic-{diagnostic.pk}",
                    diagnostic.covered_document,
                    diagnostic.covered_document_name,
                    scanned=diagnostic,
                ),
                "grille": [record(s, exclude=("diagnostic",)) for s in diagnostic.scores.all()],
                "recommandations": [
                    record(r, exclude=("diagnostic",))
                    for r in diagnostic.axis_recommendations.all()
                ],
                "echanges": [
                    {
                        "le": m.created_at.isoformat(),
                        "au_nom_de": m.get_speaker_display(),
                        "message": m.body,
                    }
                    for m in diagnostic.messages.order_by("created_at", "pk")
                ],
            }
        )
    return diagnostics


def register() -> None:
    register_structure_data("diagnostics", diagnostics_data)
