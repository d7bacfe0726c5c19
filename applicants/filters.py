"""The coordinators' dossier list: filters, sorting, and the same rows for exports."""

import django_filters
from django import forms
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    Attachment,
    Campaign,
    DocumentType,
    Dossier,
    DossierStatus,
    Site,
    SitePreference,
    Structure,
)


def missing_documents_condition() -> Exists:
    """A document type the dossier's campaign requires has no attachment in the dossier."""
    provided = Attachment.objects.filter(
        dossier=OuterRef(OuterRef("pk")), document_type=OuterRef("pk")
    )
    return Exists(
        DocumentType.objects.filter(campaigns=OuterRef("campaign")).filter(~Exists(provided))
    )


def annotated_dossiers(queryset):
    """Dossiers with what the list and the exports show, in a fixed number of queries.

    Four subqueries per row: the list applies it to the rows of its page only
    (``annotate_page``), the exports to the rows they write.
    """
    required = (
        DocumentType.objects.filter(campaigns=OuterRef("campaign"))
        .order_by()
        .values("campaigns")
        .annotate(total=Count("pk"))
        .values("total")
    )
    provided = (
        Attachment.objects.filter(
            dossier=OuterRef("pk"), document_type__campaigns=OuterRef("campaign")
        )
        .order_by()
        .values("dossier")
        .annotate(total=Count("document_type", distinct=True))
        .values("total")
    )
    first_site = SitePreference.objects.filter(dossier=OuterRef("pk"), rank=1).values("site__name")
    return queryset.select_related("structure", "campaign", "instructor").annotate(
        required_documents=Coalesce(Subquery(required, output_field=IntegerField()), Value(0)),
        provided_documents=Coalesce(Subquery(provided, output_field=IntegerField()), Value(0)),
        missing_documents=F("required_documents") - F("provided_documents"),
        first_site=Subquery(first_site[:1]),
        financing_total=Subquery(
            Dossier.objects.filter(pk=OuterRef("pk"))
            .annotate(total=Sum("financing_needs__amount"))
            .values("total")[:1]
        ),
    )


class DossierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Recherche (nom, SIRET, commune)", method="search")
    campaign = django_filters.ModelChoiceFilter(
        label="Appel", queryset=Campaign.objects.all(), empty_label="Tous les appels"
    )
    status = django_filters.ChoiceFilter(
        label="État", choices=DossierStatus.choices, empty_label="Tous les états"
    )
    site = django_filters.ModelChoiceFilter(
        label="Site souhaité",
        queryset=Site.objects.all(),
        method="filter_site",
        empty_label="Tous les sites",
    )
    sector = django_filters.ChoiceFilter(
        label="Secteur",
        field_name="structure__sector",
        choices=Structure.Sector.choices,
        empty_label="Tous les secteurs",
    )
    legal_form = django_filters.ChoiceFilter(
        label="Forme juridique",
        field_name="structure__legal_form",
        choices=Structure.LegalForm.choices,
        empty_label="Toutes les formes",
    )
    missing_documents = django_filters.BooleanFilter(
        label="Pièces manquantes",
        method="filter_missing_documents",
        widget=forms.Select(
            choices=[("", "Indifférent"), ("true", "Oui, il en manque"), ("false", "Non, complet")]
        ),
    )
    submitted_after = django_filters.DateFilter(
        label="Déposé à partir du",
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    submitted_before = django_filters.DateFilter(
        label="Déposé jusqu'au",
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ordering = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("structure__name", "name"),
            ("submitted_at", "submitted"),
            ("status", "status"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "structure__name": "Nom de la structure",
            "submitted_at": "Date de dépôt",
            "status": "État",
            "updated_at": "Dernière modification",
        },
        empty_label="Dernière modification (récent d'abord)",
    )

    class Meta:
        model = Dossier
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        compact = value.replace(" ", "")
        return queryset.filter(
            Q(structure__name__icontains=value)
            | Q(structure__siret__icontains=compact)
            | Q(structure__rna__icontains=compact)
            | Q(structure__city__icontains=value)
        )

    def filter_site(self, queryset, name, value):
        # ``Exists`` rather than a join: no ``DISTINCT`` over the rows (nor in the COUNT).
        if value is None:
            return queryset
        return queryset.filter(
            Exists(SitePreference.objects.filter(dossier=OuterRef("pk"), site=value))
        )

    def filter_missing_documents(self, queryset, name, value):
        if value is None:
            return queryset
        missing = missing_documents_condition()
        return queryset.filter(missing if value else ~missing)

    def _cleaned(self) -> dict:
        """What ``qs`` filters on: the valid fields of a bound form (django-filter
        filters on those even when another field is invalid)."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 -- validates the form, as ``qs`` does
        return self.form.cleaned_data

    def chosen_status(self) -> str:
        """The status the list is filtered on, or "" for every status."""
        return self._cleaned().get("status") or ""

    def qs_without_status(self):
        """The filtered dossiers before the status filter: the counts per status."""
        queryset = self.queryset.all()
        for name, value in self._cleaned().items():
            if name in {"status", "ordering"}:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset


def dossier_filter(params, user) -> DossierFilter:
    """The list's filters on the dossiers ``user`` may see: the page and its exports."""
    base = Dossier.objects.visible_to(user).order_by("-updated_at", "-pk")
    return DossierFilter(params or None, queryset=base)


def annotate_page(dossiers) -> list:
    """The annotated rows of one page, in the page's order (one query for the page)."""
    ids = [dossier.pk for dossier in dossiers]
    rows = annotated_dossiers(Dossier.objects.filter(pk__in=ids)).in_bulk(ids)
    return [rows[pk] for pk in ids]
