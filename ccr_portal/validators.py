"""Validators of French identifiers and of uploaded files, used by every app."""

import re

from django.core.exceptions import ValidationError

SIRET_RE = re.compile(r"^\d{14}$")
RNA_RE = re.compile(r"^W\d{9}$")
# La Poste's establishments share one SIREN and follow another check rule.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def luhn_completed(base: str) -> str:
    """``base`` followed by the digit that makes it pass the Luhn check (demo, bench, tests)."""
    return next(f"{base}{check}" for check in range(10) if luhn_is_valid(f"{base}{check}"))


def normalise_siret(value: str) -> str:
    return re.sub(r"\s+", "", value or "")


def validate_siret(value: str) -> None:
    siret = normalise_siret(value)
    if not SIRET_RE.match(siret):
        raise ValidationError(
            "Le SIRET doit comporter exactement 14 chiffres.", code="siret_format"
        )
    if siret.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in siret) % 5 != 0:
            raise ValidationError("Ce numéro SIRET n'est pas valide.", code="siret_checksum")
        return
    if not luhn_is_valid(siret):
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres.",
            code="siret_checksum",
        )


def validate_rna(value: str) -> None:
    if not RNA_RE.match((value or "").strip().upper()):
        raise ValidationError(
            "Le numéro RNA commence par W suivi de 9 chiffres (ex. : W131234567).",
            code="rna_format",
        )
