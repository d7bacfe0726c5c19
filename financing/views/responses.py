"""Needs and the one financing response of a resident."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Campaign, Dossier, DossierStatus, Structure
from applicants.search import normalised_query
from ccr_portal.collation import french
from ccr_portal.search import text_search
from ccr_portal.users.models import Role
from ccr_portal.views import ServiceActionView

from ..forms import NeedsForm, ResponseForm, ResponseLineForm, WorkingCapitalForm
from ..models import FinancingResponse, NeedSource, ResponseLine
from ..selectors import needs_of, plan_figures, response_check
from ..services.responses import (
    LineEntry,
    NeedEntry,
    default_month,
    needs_prefill,
    needs_save,
    response_create_requests,
    response_for,
    response_save,
    working_capital_apply,
)

PAGE_SIZE = 25

# The dossiers whose structure builds a financing response (needs may come earlier).
OPEN_DOSSIER_STATUSES = (
    DossierStatus.SUBMITTED,
    DossierStatus.UNDER_REVIEW,
    DossierStatus.IN_COMMITTEE,
    DossierStatus.ACCEPTED,
    DossierStatus.INSTALLED,
)


class ResponseListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The responses, and the residents who have none yet: each list searched by name and
    paginated (a scheme of thousands of residents lists 25 of each at a time)."""

    permission_required = "financing.list_responses"
    template_name = "financing/response_list.html"

    def get_context_data(self, **kwargs):
        user, params = self.request.user, self.request.GET
        query = normalised_query(params.get("q", ""))
        responses = FinancingResponse.objects.select_related("structure", "campaign")
        dossiers = Dossier.objects.filter(status__in=OPEN_DOSSIER_STATUSES).select_related(
            "structure", "campaign"
        )
        if not user.has_role(Role.COORDINATOR):
            mine = user.memberships.values("structure_id")
            responses = responses.filter(structure__in=mine)
            dossiers = dossiers.filter(structure__in=mine)
        # A dossier waits while its structure has no response for its campaign.
        answered = FinancingResponse.objects.filter(
            structure=OuterRef("structure"), campaign=OuterRef("campaign")
        )
        dossiers = dossiers.filter(~Exists(answered))
        searched = ["structure__name", "structure__city"]
        responses = text_search(responses, query=query, fields=searched)
        dossiers = text_search(dossiers, query=query, fields=searched)
        responses_page = Paginator(
            responses.order_by(french("structure__name"), "pk"), PAGE_SIZE
        ).get_page(params.get("page"))
        waiting_page = Paginator(
            dossiers.order_by(french("structure__name"), "pk"), PAGE_SIZE
        ).get_page(params.get("attente"))
        return super().get_context_data(
            query=query,
            responses=responses_page,
            waiting=waiting_page,
            responses_pages=_pages(params, "page", responses_page),
            waiting_pages=_pages(params, "attente", waiting_page),
            **kwargs,
        )


def _pages(params, name: str, page) -> dict:
    """The previous and next links of one of the page's two lists (the other list's
    page and the search kept)."""

    def link(number: int) -> str:
        query = params.copy()
        query[name] = number
        return f"?{query.urlencode()}"

    return {
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


class ResponseOpenView(ServiceActionView):
    """Start (or reach) the response of a structure for a campaign."""

    permission_required = "financing.edit_response"

    def get_permission_object(self):
        return get_object_or_404(Structure, pk=self.kwargs["structure_pk"])

    def perform(self):
        campaign = get_object_or_404(Campaign, pk=self.kwargs["campaign_pk"])
        response = response_for(structure=self.get_permission_object(), campaign=campaign)
        return HttpResponseRedirect(response.get_absolute_url())


class ResponseMixin:
    def dispatch(self, request, *args, **kwargs):
        self.response = get_object_or_404(
            FinancingResponse.objects.select_related("structure", "campaign"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.response

    def get_next_url(self):
        return self.response.get_absolute_url()


class ResponseView(ResponseMixin, LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Needs by category (with their source), the BFR helper, the split across products
    with each line checked against its product's rules, and the requests it became."""

    permission_required = "financing.view_response"
    template_name = "financing/response.html"

    def get_context_data(self, **kwargs):
        response = self.response
        needs = needs_of(response.structure_id, response.campaign_id)
        lines = list(response.lines.select_related("product__funder", "request").order_by("pk"))
        checked, general = response_check(response, lines)
        for index, item in enumerate(checked):
            request = getattr(item.line, "request", None)
            item.request = request
            item.form = (
                ResponseLineForm(
                    prefix=f"line-{index}",
                    initial={
                        "product": item.line.product_id,
                        "category": item.line.category,
                        "amount": item.line.amount,
                        "duration_months": item.line.duration_months,
                        "guaranteed_share": item.line.guaranteed_share,
                    },
                )
                if request is None or request.is_editable
                else None
            )
        can_edit = self.request.user.has_perm("financing.edit_response", response)
        working_capital = next((n for n in needs if n.category == "working_capital"), None)
        return super().get_context_data(
            response=response,
            structure=response.structure,
            needs=needs,
            needs_total=sum(n.amount for n in needs),
            needs_form=NeedsForm(needs=needs, default_month=default_month(response.campaign)),
            bfr_form=WorkingCapitalForm(
                initial={
                    "stock": getattr(working_capital, "bfr_stock", None),
                    "receivables": getattr(working_capital, "bfr_receivables", None),
                    "debts": getattr(working_capital, "bfr_debts", None),
                    "needed_on": getattr(working_capital, "needed_on", None)
                    or default_month(response.campaign),
                }
            ),
            response_form=ResponseForm(
                initial={"other_resources": response.other_resources, "note": response.note}
            ),
            checked=checked,
            general=general,
            new_line=ResponseLineForm(prefix="new"),
            lines_total=sum(line.amount for line in lines),
            plan=plan_figures(response.structure_id, response.campaign_id),
            can_edit=can_edit,
            sources=dict(NeedSource.choices),
            without_request=[item for item in checked if item.request is None],
            **kwargs,
        )


class NeedsSaveView(ResponseMixin, ServiceActionView):
    permission_required = "financing.edit_response"
    success_message = "Les besoins sont enregistrés."

    def perform(self):
        form = NeedsForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        needs_save(
            structure=self.response.structure,
            campaign=self.response.campaign,
            actor=self.request.user,
            entries=[
                NeedEntry(
                    category=code,
                    amount=form.cleaned_data[f"{code}-amount"],
                    needed_on=form.cleaned_data[f"{code}-needed_on"],
                )
                for code, *_rest in form.rows
            ],
        )


class NeedsPrefillView(ResponseMixin, ServiceActionView):
    permission_required = "financing.edit_response"

    def perform(self):
        count = needs_prefill(
            structure=self.response.structure,
            campaign=self.response.campaign,
            actor=self.request.user,
        )
        messages.success(
            self.request,
            f"{count} besoin{'s' if count > 1 else ''} repris du dossier et du plan de financement."
            if count
            else "Rien à reprendre : ni le dossier ni le plan ne déclarent d'autre besoin.",
        )


class WorkingCapitalView(ResponseMixin, ServiceActionView):
    permission_required = "financing.edit_response"
    form_class = WorkingCapitalForm
    success_message = "Le besoin en fonds de roulement est calculé et enregistré."

    def perform(self, form=None):
        working_capital_apply(
            structure=self.response.structure,
            campaign=self.response.campaign,
            actor=self.request.user,
            stock=form.cleaned_data["stock"],
            receivables=form.cleaned_data["receivables"],
            debts=form.cleaned_data["debts"],
            needed_on=form.cleaned_data["needed_on"],
        )


class ResponseSaveView(ResponseMixin, ServiceActionView):
    permission_required = "financing.edit_response"
    success_message = "La réponse financière est enregistrée."

    def perform(self):
        post = self.request.POST
        head = ResponseForm(post)
        if not head.is_valid():
            raise ValidationError([e for errors in head.errors.values() for e in errors])
        lines = list(self.response.lines.select_related("request").order_by("pk"))
        entries = []
        for index, line in enumerate(lines):
            form = ResponseLineForm(post, prefix=f"line-{index}")
            if f"line-{index}-product" not in post:
                continue
            if not form.is_valid():
                raise ValidationError(
                    [f"Ligne {index + 1} : {e}" for errs in form.errors.values() for e in errs]
                )
            entries.append(self._entry(form, line))
        if post.get("new-product") or post.get("new-amount"):
            form = ResponseLineForm(post, prefix="new")
            if not form.is_valid():
                raise ValidationError(
                    [f"Nouvelle ligne : {e}" for errs in form.errors.values() for e in errs]
                )
            entries.append(self._entry(form, None))
        response_save(
            response=self.response,
            actor=self.request.user,
            entries=entries,
            other_resources=head.cleaned_data["other_resources"],
            note=head.cleaned_data["note"],
        )

    @staticmethod
    def _entry(form, line):
        data = form.cleaned_data
        return LineEntry(
            product=data["product"],
            category=data["category"],
            amount=data["amount"],
            duration_months=data["duration_months"],
            guaranteed_share=data["guaranteed_share"],
            line=line,
            delete=data["delete"],
        )


class ResponseCheckView(ResponseMixin, LoginRequiredMixin, PermissionRequiredMixin, View):
    """The split as it is being typed, checked against the products' rules (htmx): nothing
    is saved; the explanations replace the verification block of the page."""

    permission_required = "financing.edit_response"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        post = request.POST
        head = ResponseForm(post)
        other = head.cleaned_data["other_resources"] if head.is_valid() else None
        self.response.other_resources = other or 0
        lines, incomplete = [], []
        saved = list(self.response.lines.select_related("product", "request").order_by("pk"))
        rows = [(f"line-{index}", line) for index, line in enumerate(saved)] + [("new", None)]
        for number, (prefix, line) in enumerate(rows, start=1):
            if f"{prefix}-product" not in post or (prefix == "new" and not post["new-product"]):
                if line is not None:
                    lines.append(line)  # a line whose request left the draft stays as it is
                continue
            form = ResponseLineForm(post, prefix=prefix)
            if not form.is_valid():
                incomplete.append(number)
                continue
            data = form.cleaned_data
            if data["delete"]:
                continue
            lines.append(
                ResponseLine(
                    response=self.response,
                    product=data["product"],
                    category=data["category"],
                    amount=data["amount"],
                    duration_months=data["duration_months"],
                    guaranteed_share=data["guaranteed_share"],
                )
            )
        checked, general = response_check(self.response, lines)
        return render(
            request,
            "financing/includes/response_check.html",
            {"checked": checked, "general": general, "incomplete": incomplete},
        )


class RequestsCreateView(ResponseMixin, ServiceActionView):
    permission_required = "financing.edit_response"

    def perform(self):
        created = response_create_requests(response=self.response, actor=self.request.user)
        count = len(created)
        messages.success(
            self.request,
            f"{count} demande{'s' if count > 1 else ''} créée{'s' if count > 1 else ''} en "
            "brouillon : complétez-les puis déposez-les."
            if count
            else "Chaque ligne a déjà sa demande.",
        )
