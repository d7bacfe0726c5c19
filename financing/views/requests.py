"""Requests: the lists (the funder's workspace among them), a request's page, its edits,
its steps, documents, messages and disbursements."""

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.documents.services import latest_document
from ccr_portal.documents.views import export_or_background
from ccr_portal.downloads import scanned_file_response
from ccr_portal.formatting import with_preposition
from ccr_portal.views import ServiceActionView, ServiceFormView, TransitionView

from ..arithmetic import repayments_by_year
from ..documents import FINANCING_FILE
from ..exports import EXPORT_PERMISSIONS, REQUESTS_XLSX
from ..filters import RequestFilter, request_filter
from ..forms import (
    DisbursementForm,
    DocumentForm,
    ForwardForm,
    GrantForm,
    MessageForm,
    RequestForm,
    UseFormSet,
)
from ..models import FinancingRequest, RequestDocument
from ..selectors import envelope_warning, request_problems, requests_for_list, schedule_of
from ..services.requests import (
    disbursement_record,
    request_document_add,
    request_message_post,
    request_transition,
    request_update,
)
from ..workflows import REQUEST_WORKFLOW

PAGE_SIZE = 25


def _filtered(request) -> RequestFilter:
    return request_filter(request.GET, request.user)


class RequestListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The requests the viewer may read: all for Regain, a structure's own, and for a
    fund's officer only those forwarded to their fund."""

    permission_required = "financing.list_requests"
    template_name = "financing/request_list.html"

    def get_context_data(self, **kwargs):
        request_filter = _filtered(self.request)
        page = Paginator(request_filter.qs.only("pk"), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        ids = [row.pk for row in page.object_list]
        rows = {r.pk: r for r in requests_for_list(FinancingRequest.objects.filter(pk__in=ids))}
        return super().get_context_data(
            filter=request_filter,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            rows=[rows[pk] for pk in ids],
            can_export=self.request.user.has_perm("financing.export_requests"),
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class RequestExportView(PermissionRequiredMixin, View):
    """The filtered list as XLSX; the password is asked again first. Above
    ``EXPORT_INLINE_MAX_ROWS`` requests, the file is written in the background."""

    permission_required = EXPORT_PERMISSIONS

    @method_decorator(reauthentication_required)
    def get(self, request):
        return export_or_background(request, REQUESTS_XLSX)


def request_or_404(pk) -> FinancingRequest:
    return get_object_or_404(
        FinancingRequest.objects.select_related(
            "structure", "campaign", "product__funder", "response_line__response"
        ),
        pk=pk,
    )


class RequestMixin:
    def dispatch(self, request, *args, **kwargs):
        self.financing_request = request_or_404(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.financing_request

    def get_next_url(self):
        return self.financing_request.get_absolute_url()


class RequestDetailView(RequestMixin, LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "financing.view_request"
    template_name = "financing/request_detail.html"

    def get_context_data(self, **kwargs):
        request = self.financing_request
        user = self.request.user
        uses = list(request.uses.all())
        schedule = schedule_of(request)
        disbursements = list(request.disbursements.all())
        transitions = REQUEST_WORKFLOW.available(user, request)
        return super().get_context_data(
            financing_request=request,
            structure=request.structure,
            uses=uses,
            uses_total=sum(use.amount for use in uses),
            problems=request_problems(request) if request.is_editable else [],
            envelope=envelope_warning(request) if request.status == "submitted" else "",
            documents=list(request.documents.select_related("document_type")),
            messages_list=list(request.messages.select_related("author")),
            history=REQUEST_WORKFLOW.history_of(request),
            transitions=transitions,
            schedule=schedule,
            schedule_years=_plan_years(request, repayments_by_year(schedule) if schedule else {}),
            schedule_interest=sum(line.interest for line in schedule),
            disbursements=disbursements,
            disbursed=sum(d.amount for d in disbursements),
            can_edit=user.has_perm("financing.edit_request", request),
            can_message=user.has_perm("financing.post_message", request),
            can_add_document=user.has_perm("financing.add_document", request),
            can_disburse=user.has_perm("financing.record_disbursement", request),
            can_see_file=user.has_perm("financing.view_financing_file", request),
            file_document=latest_document(kind=FINANCING_FILE, subject=request),
            message_form=MessageForm(),
            document_form=DocumentForm(),
            disbursement_form=DisbursementForm(),
            **kwargs,
        )


def _plan_years(request: FinancingRequest, by_year: dict) -> list[tuple[str, int, object]]:
    """The principal repaid each year, named as the plan's years (N, N+1, N+2) where the
    structure's plan covers them."""
    from accompaniment.models import DevelopmentPlan

    first = (
        DevelopmentPlan.objects.filter(
            structure_id=request.structure_id, campaign_id=request.campaign_id
        )
        .values_list("first_year", flat=True)
        .first()
    )
    labels = {}
    if first:
        labels = {first: "N", first + 1: "N+1", first + 2: "N+2"}
    return [(labels.get(year, ""), year, amount) for year, amount in by_year.items()]


class RequestUpdateView(RequestMixin, ServiceFormView):
    permission_required = "financing.edit_request"
    template_name = "financing/request_form.html"
    form_class = RequestForm
    success_message = "La demande est enregistrée."

    def get_initial(self):
        request = self.financing_request
        return {
            "amount": request.amount,
            "duration_months": request.duration_months,
            "deferral_months": request.deferral_months,
            "guaranteed_share": request.guaranteed_share,
            "project": request.project,
        }

    def get_uses(self):
        if self.request.method == "POST":
            return UseFormSet(self.request.POST, prefix="uses")
        initial = [
            {"category": use.category, "amount": use.amount, "note": use.note}
            for use in self.financing_request.uses.all()
        ]
        return UseFormSet(prefix="uses", initial=initial)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("uses", self.get_uses())
        return super().get_context_data(financing_request=self.financing_request, **kwargs)

    def form_valid(self, form):
        uses = self.get_uses()
        if not uses.is_valid():
            return self.render_to_response(self.get_context_data(form=form, uses=uses))
        self.use_lines = [
            (data["category"], data["amount"], data.get("note", ""))
            for data in uses.cleaned_data
            if data and data.get("category") and data.get("amount")
        ]
        return super().form_valid(form)

    def perform(self, form):
        data = form.cleaned_data
        return request_update(
            request=self.financing_request,
            actor=self.request.user,
            amount=data["amount"],
            duration_months=data["duration_months"],
            deferral_months=data["deferral_months"] or 0,
            guaranteed_share=data["guaranteed_share"],
            project=data["project"],
            uses=self.use_lines,
        )


class RequestTransitionView(TransitionView):
    workflow = REQUEST_WORKFLOW
    template_name = "financing/request_transition.html"

    def get_subject(self):
        return request_or_404(self.kwargs["pk"])

    def get_form_class(self):
        return {"forward": ForwardForm, "grant": GrantForm}.get(
            self.transition.action, super().get_form_class()
        )

    def get_initial(self):
        if self.transition.action == "grant":
            request = self.subject
            return {
                "granted_amount": request.amount,
                "granted_rate": request.product.interest_rate,
                "granted_months": request.duration_months,
                "granted_deferral_months": request.deferral_months,
                "granted_share": request.guaranteed_share,
            }
        return {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject_label=f"Demande {with_preposition('de', self.subject.structure.name)} "
            f"({self.subject.product.name})",
            envelope=envelope_warning(self.subject) if self.transition.action == "forward" else "",
            **kwargs,
        )

    def run(self, form):
        extra = form.data_kwargs() if hasattr(form, "data_kwargs") else {}
        request_transition(
            request=self.subject,
            actor=self.request.user,
            action=self.transition.action,
            comment=form.comment,
            **extra,
        )


class RequestMessageView(RequestMixin, ServiceActionView):
    permission_required = "financing.post_message"
    form_class = MessageForm
    success_message = "Votre message est envoyé."

    def perform(self, form=None):
        request_message_post(
            request=self.financing_request, actor=self.request.user, body=form.cleaned_data["body"]
        )


class RequestDocumentAddView(RequestMixin, ServiceActionView):
    permission_required = "financing.add_document"
    form_class = DocumentForm
    success_message = "La pièce est ajoutée."

    def perform(self, form=None):
        request_document_add(
            request=self.financing_request,
            actor=self.request.user,
            upload=form.cleaned_data["file"],
            document_type=form.cleaned_data["document_type"],
        )


class RequestDocumentView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A document of a request: the request's own permission, asked on the request."""

    permission_required = "financing.view_request"

    def dispatch(self, request, *args, **kwargs):
        self.document = get_object_or_404(
            RequestDocument.objects.select_related("request__product"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.document.request

    def get(self, request, *args, **kwargs):
        if not self.document.file:
            raise Http404("Ce document n'existe plus.")
        return scanned_file_response(
            request, self.document, back_url=self.document.request.get_absolute_url()
        )


class DisbursementView(RequestMixin, ServiceActionView):
    permission_required = "financing.record_disbursement"
    form_class = DisbursementForm
    success_message = "Le versement est enregistré."

    def perform(self, form=None):
        try:
            disbursement_record(
                request=self.financing_request,
                actor=self.request.user,
                day=form.cleaned_data["day"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from None
