"""The filters of the request lists (the funder's workspace and the coordination's)."""

import django_filters
from django.db.models import Q

from applicants.models import Campaign, Structure
from ccr_portal.users.models import Funder, Role

from .models import FinancingRequest, FundingProduct, RequestStatus, funder_ids


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Structure", method="search")
    status = django_filters.ChoiceFilter(
        label="État", choices=RequestStatus.choices, empty_label="Tous les états"
    )
    product = django_filters.ModelChoiceFilter(
        label="Produit",
        queryset=FundingProduct.objects.select_related("funder"),
        empty_label="Tous les produits",
    )
    funder = django_filters.ModelChoiceFilter(
        label="Financeur",
        field_name="product__funder",
        queryset=Funder.objects.all(),
        empty_label="Tous les financeurs",
    )
    campaign = django_filters.ModelChoiceFilter(
        label="Appel", queryset=Campaign.objects.all(), empty_label="Tous les appels"
    )
    legal_form = django_filters.ChoiceFilter(
        label="Forme juridique",
        field_name="structure__legal_form",
        choices=Structure.LegalForm.choices,
        empty_label="Toutes les formes",
    )
    over_envelope = django_filters.BooleanFilter(label="Au-delà de l'enveloppe")
    ordering = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("structure__name", "name"),
            ("forwarded_at", "forwarded"),
            ("amount", "amount"),
            ("status", "status"),
        ),
        field_labels={
            "structure__name": "Nom de la structure",
            "forwarded_at": "Date de transmission",
            "amount": "Montant demandé",
            "status": "État",
        },
        empty_label="Création (récent d'abord)",
    )

    class Meta:
        model = FinancingRequest
        fields = []

    def __init__(self, *args, funder_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if funder_ids is not None:
            # A fund's officer filters among their fund's products, and sees no other fund.
            self.filters["product"].queryset = FundingProduct.objects.filter(
                funder_id__in=funder_ids
            ).select_related("funder")
            self.filters.pop("funder")
            self.filters["status"].extra["choices"] = [
                (code, label)
                for code, label in RequestStatus.choices
                if code in ("forwarded", "granted", "declined")
            ]

    def search(self, queryset, name, value):
        return queryset.filter(Q(structure__name__icontains=value))


def request_filter(params, user) -> RequestFilter:
    """The list's filters on the requests ``user`` may read: the page and its export. A
    fund's officer (not the coordination) chooses among their own funds only."""
    base = FinancingRequest.objects.visible_to(user).order_by("-created_at", "-pk")
    officer_funds = None
    if not user.has_role(Role.COORDINATOR) and funder_ids(user):
        officer_funds = funder_ids(user)
    return RequestFilter(params or None, queryset=base, funder_ids=officer_funds)
