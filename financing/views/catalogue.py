"""The funds, their products and their credit lines."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.users.models import Funder, Role
from ccr_portal.views import ServiceFormView

from ..forms import CreditLineForm, FunderForm, ProductForm
from ..models import CreditLine, FundingProduct, funder_ids
from ..selectors import (
    CATEGORY_LABELS,
    LEGAL_FORM_LABELS,
    credit_line_overview,
    credit_line_summaries,
)
from ..services.catalogue import credit_line_save, product_save


class ProductListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "financing.view_products"
    template_name = "financing/product_list.html"

    def get_context_data(self, **kwargs):
        products = list(
            FundingProduct.objects.select_related("funder").prefetch_related("required_documents")
        )
        for product in products:
            product.form_labels = [LEGAL_FORM_LABELS[code] for code in product.legal_forms]
            product.use_labels = [CATEGORY_LABELS[code] for code in product.allowed_uses]
        return super().get_context_data(products=products, funders=Funder.objects.all(), **kwargs)


class ProductFormMixin(ServiceFormView):
    permission_required = "financing.manage_products"
    template_name = "financing/product_form.html"
    form_class = ProductForm
    success_message = "Le produit est enregistré."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_product()}

    def get_product(self):
        return None

    def perform(self, form):
        product = form.save(commit=False)
        product_save(
            product=product,
            actor=self.request.user,
            documents=form.cleaned_data["required_documents"],
        )
        return product

    def get_result_url(self, result):
        return reverse("financing:product-list")


class ProductCreateView(ProductFormMixin):
    pass


class ProductUpdateView(ProductFormMixin):
    def get_product(self):
        return get_object_or_404(FundingProduct, pk=self.kwargs["pk"])


class FunderUpdateView(ServiceFormView):
    permission_required = "financing.manage_products"
    template_name = "financing/funder_form.html"
    form_class = FunderForm
    success_message = "Le financeur est enregistré."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": get_object_or_404(Funder, pk=self.kwargs["pk"]),
        }

    def perform(self, form):
        funder = form.save(commit=False)
        funder.full_clean()
        funder.save()
        return funder

    def get_result_url(self, result):
        return reverse("financing:product-list")


class CreditLineListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "financing.view_credit_lines"
    template_name = "financing/credit_line_list.html"

    def get_context_data(self, **kwargs):
        lines = CreditLine.objects.select_related("funder").prefetch_related("products")
        if not self.request.user.has_role(Role.COORDINATOR):
            lines = lines.filter(funder_id__in=funder_ids(self.request.user))
        return super().get_context_data(overviews=credit_line_summaries(lines), **kwargs)


class CreditLineDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "financing.view_credit_line"
    template_name = "financing/credit_line_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.line = get_object_or_404(
            CreditLine.objects.select_related("funder").prefetch_related("products"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.line

    def get_context_data(self, **kwargs):
        return super().get_context_data(overview=credit_line_overview(self.line), **kwargs)


class CreditLineFormView(ServiceFormView):
    permission_required = "financing.manage_credit_lines"
    template_name = "financing/credit_line_form.html"
    form_class = CreditLineForm
    success_message = "La ligne de crédit est enregistrée."

    def get_form_kwargs(self):
        line = None
        if "pk" in self.kwargs:
            line = get_object_or_404(CreditLine, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": line}

    def perform(self, form):
        return credit_line_save(
            line=form.save(commit=False),
            actor=self.request.user,
            products=form.cleaned_data["products"],
        )
