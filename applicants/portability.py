"""What the applicants app holds about a structure, for the structure's data export."""

from ccr_portal.portability import record, register_structure_data


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"nom": user.display_name, "e-mail": user.email}


def applicants_data(structure, files) -> dict:
    dossiers = []
    for dossier in structure.dossiers.select_related("campaign").order_by("created_at", "pk"):
        messages = []
        for message in dossier.messages.select_related("author").prefetch_related("attachments"):
            messages.append(
                {
                    "le": message.created_at.isoformat(),
                    "auteur": message.author.display_name if message.author else None,
                    "de_la_coordination": message.from_coordination,
                    "message": message.body,
                    "pieces_jointes": [
                        files.add(f"messages/{dossier.pk}", a.file, a.original_name, scanned=a)
                        for a in message.attachments.all()
                    ],
                }
            )
        dossiers.append(
            {
                **record(dossier, exclude=("instructor", "created_by")),
                "appel": dossier.campaign.title,
                "sites_souhaites": [
                    {"site": str(p.site), "rang": p.rank}
                    for p in dossier.site_preferences.select_related("site")
                ],
                "engagements_charte": [c.text for c in dossier.charter_commitments.all()],
                "donnees_economiques": [
                    record(year, exclude=("dossier",)) for year in dossier.economic_years.all()
                ],
                "axes_souhaites": [
                    record(wish, exclude=("dossier",)) for wish in dossier.axis_wishes.all()
                ],
                "besoins_de_financement": [
                    record(need, exclude=("dossier",)) for need in dossier.financing_needs.all()
                ],
                "historique": [
                    {
                        "le": t.created_at.isoformat(),
                        "action": t.action,
                        "de": t.from_status,
                        "vers": t.to_status,
                        "commentaire": t.comment,
                    }
                    for t in dossier.transitions.order_by("created_at", "pk")
                ],
                "pieces": [
                    {
                        "type": str(a.document_type),
                        "nom": a.original_name,
                        "taille": a.size,
                        "deposee_le": a.uploaded_at.isoformat(),
                        "fichier": files.add(f"dossier-{dossier.pk}", a.file, a.original_name, a),
                    }
                    for a in dossier.attachments.select_related("document_type")
                ],
                "messages": messages,
            }
        )
    return {
        "structure": record(structure, exclude=("created_by",)),
        "membres": [
            {**_person(m.user), "role": m.get_role_display()}
            for m in structure.memberships.select_related("user").order_by("pk")
        ],
        "invitations_en_attente": [
            {"e-mail": i.email, "role": i.get_role_display(), "le": i.created_at.isoformat()}
            for i in structure.invitations.filter(
                accepted_at__isnull=True, cancelled_at__isnull=True
            )
        ],
        "dossiers": dossiers,
    }


def register() -> None:
    register_structure_data("candidatures", applicants_data)
