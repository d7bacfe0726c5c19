"""The funds' products and credit lines, edited by the coordination."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ccr_portal.users.models import User

from ..models import CreditLine, FundingProduct


@transaction.atomic
def product_save(*, product: FundingProduct, actor: User, documents=None) -> FundingProduct:
    if not actor.has_perm("financing.manage_products"):
        raise PermissionDenied("Seule la coordination modifie les produits des fonds.")
    product.full_clean()
    product.save()
    if documents is not None:
        product.required_documents.set(documents)
    return product


@transaction.atomic
def credit_line_save(*, line: CreditLine, actor: User, products=None) -> CreditLine:
    if not actor.has_perm("financing.manage_credit_lines"):
        raise PermissionDenied("Seule la coordination modifie les lignes de crédit.")
    line.full_clean()
    line.save()
    if products is not None:
        line.products.set(products)
    return line
