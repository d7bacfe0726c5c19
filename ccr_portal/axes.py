"""The six accompaniment axes of the GT5 minutes (fixed codes A to F)."""

from django.db import models


class Axis(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "A. Diagnostic préalable"
    SECURING = "securing", "B. Accompagnement de sécurisation"
    COOPERATION = "cooperation", "C. Mutualisation et coopération économique"
    PROFESSIONALISATION = "professionalisation", "D. Professionnalisation (GPEC, formation)"
    RESPONSIBILITY = "responsibility", "E. Démarche de responsabilité (QADES)"
    FINANCING = "financing", "F. Accompagnement financier"

    @property
    def letter(self) -> str:
        return AXIS_LETTERS[self.value]


AXIS_LETTERS = {
    Axis.DIAGNOSTIC: "A",
    Axis.SECURING: "B",
    Axis.COOPERATION: "C",
    Axis.PROFESSIONALISATION: "D",
    Axis.RESPONSIBILITY: "E",
    Axis.FINANCING: "F",
}
