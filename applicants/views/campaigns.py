"""Calls for applications: the coordinators' pages and the public page."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from applicants.forms import CampaignDocumentForm, CampaignForm, DocumentTypeForm
from applicants.models import Campaign, CampaignDocument
from applicants.services.campaigns import (
    campaign_document_add,
    campaign_document_delete,
    campaign_save,
    charter_set,
    document_type_create,
)
from ccr_portal.downloads import scanned_file_response
from ccr_portal.panels import CAMPAIGN_PUBLIC, rendered_panels
from ccr_portal.views import ServiceActionView, ServiceFormView

MANAGE = "applicants.manage_campaigns"


class CampaignListView(PermissionRequiredMixin, ListView):
    permission_required = MANAGE
    template_name = "applicants/campaign_list.html"
    context_object_name = "campaigns"

    def get_queryset(self):
        return Campaign.objects.prefetch_related("sites").order_by("-opens_on")


class CampaignEditView(ServiceFormView):
    """A new call (no ``pk``) or an existing one, with its charter and porte-documents."""

    permission_required = MANAGE
    template_name = "applicants/campaign_form.html"
    form_class = CampaignForm

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        self.campaign = get_object_or_404(Campaign, pk=pk) if pk else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.campaign}

    def get_context_data(self, **kwargs):
        context = {"campaign": self.campaign, "type_form": DocumentTypeForm(prefix="type")}
        if self.campaign:
            context["documents"] = self.campaign.documents.all()
            context["document_form"] = CampaignDocumentForm(prefix="doc")
        return super().get_context_data(**context, **kwargs)

    def get_result_url(self, result) -> str:
        return reverse("applicants:campaign-update", kwargs={"pk": result.pk})

    def perform(self, form):
        data = dict(form.cleaned_data)
        sites = data.pop("sites")
        document_types = data.pop("required_document_types")
        charter = data.pop("charter")
        # The call and its charter are saved together, or not at all.
        with transaction.atomic():
            saved = campaign_save(
                actor=self.request.user,
                campaign=self.campaign,
                sites=sites,
                required_document_types=document_types,
                **data,
            )
            charter_set(actor=self.request.user, campaign=saved, texts=charter.splitlines())
        messages.success(self.request, f"L'appel « {saved} » est enregistré.")
        return saved


class DocumentTypeCreateView(ServiceActionView):
    """A new type of document, from the campaign form; back to the page it came from."""

    permission_required = MANAGE
    form_class = DocumentTypeForm
    invalid_message = "Donnez un nom au nouveau type de pièce."

    def get_form_kwargs(self) -> dict:
        return {"prefix": "type"}

    def get_permission_object(self):
        return None

    def get_next_url(self) -> str:
        next_url = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            return next_url
        return reverse("applicants:campaign-list")

    def perform(self, form=None):
        document_type = document_type_create(
            actor=self.request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        messages.success(
            self.request, f"Type de pièce « {document_type} » créé : cochez-le dans l'appel."
        )


class CampaignDocumentAddView(ServiceActionView):
    permission_required = MANAGE
    form_class = CampaignDocumentForm
    invalid_message = "Indiquez un titre et choisissez un fichier PDF."

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {"prefix": "doc"}

    def get_permission_object(self):
        return None

    def get_next_url(self) -> str:
        return reverse("applicants:campaign-update", kwargs={"pk": self.campaign.pk})

    def perform(self, form=None):
        document = campaign_document_add(
            actor=self.request.user,
            campaign=self.campaign,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["upload"],
        )
        messages.success(self.request, f"« {document.title} » ajouté au porte-documents.")


class CampaignDocumentDeleteView(ServiceActionView):
    permission_required = MANAGE
    success_message = "Document retiré du porte-documents."

    def dispatch(self, request, *args, **kwargs):
        self.document = get_object_or_404(CampaignDocument, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return None

    def get_next_url(self) -> str:
        return reverse("applicants:campaign-update", kwargs={"pk": self.document.campaign_id})

    def perform(self, form=None):
        campaign_document_delete(actor=self.request.user, document=self.document)


class CampaignPublicView(DetailView):
    """Public page of a call: what the CCR is, the sites, the calendar, the charter."""

    template_name = "applicants/campaign_public.html"
    context_object_name = "campaign"
    queryset = Campaign.objects.prefetch_related("sites", "charter_commitments", "documents")

    def get_context_data(self, **kwargs):
        campaign = self.object
        return super().get_context_data(
            is_open=campaign.is_open(),
            # The public sees a document once the antivirus lets it through.
            published_documents=[d for d in campaign.documents.all() if d.is_downloadable],
            panels=rendered_panels(CAMPAIGN_PUBLIC, self.request, campaign=campaign),
            **kwargs,
        )


class CampaignDocumentDownloadView(View):
    """The porte-documents is public: these PDFs are the working groups' minutes.

    Public, yet never rendered in the portal's origin: an attachment like every file.
    """

    def get(self, request, pk: int):
        document = get_object_or_404(CampaignDocument.objects.select_related("campaign"), pk=pk)
        return scanned_file_response(
            request,
            document,
            content_type="application/pdf",
            back_url=document.campaign.get_absolute_url(),
        )
