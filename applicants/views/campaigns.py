"""Calls for applications: the coordinators' pages and the public page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

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
from ccr_portal.views import posted


def _manager(request) -> None:
    if not request.user.has_perm("applicants.manage_campaigns"):
        raise PermissionDenied("Réservé à la coordination.")


@login_required
def campaign_list_view(request):
    _manager(request)
    campaigns = Campaign.objects.prefetch_related("sites").order_by("-opens_on")
    return render(request, "applicants/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_edit_view(request, pk: int | None = None):
    _manager(request)
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    form = CampaignForm(*posted(request), instance=campaign)
    type_form = DocumentTypeForm(prefix="type")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sites = data.pop("sites")
        document_types = data.pop("required_document_types")
        charter = data.pop("charter")
        try:
            with transaction.atomic():
                saved = campaign_save(
                    actor=request.user,
                    campaign=campaign,
                    sites=sites,
                    required_document_types=document_types,
                    **data,
                )
                charter_set(actor=request.user, campaign=saved, texts=charter.splitlines())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"L'appel « {saved} » est enregistré.")
            return redirect("applicants:campaign-update", pk=saved.pk)
    context = {"form": form, "campaign": campaign, "type_form": type_form}
    if campaign:
        context["documents"] = campaign.documents.all()
        context["document_form"] = CampaignDocumentForm(prefix="doc")
    return render(request, "applicants/campaign_form.html", context)


@login_required
@require_POST
def document_type_create_view(request):
    _manager(request)
    form = DocumentTypeForm(request.POST, prefix="type")
    if form.is_valid():
        try:
            document_type = document_type_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request, f"Type de pièce « {document_type} » créé : cochez-le dans l'appel."
            )
    else:
        messages.error(request, "Donnez un nom au nouveau type de pièce.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("applicants:campaign-list")


@login_required
@require_POST
def campaign_document_add_view(request, pk: int):
    _manager(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    form = CampaignDocumentForm(request.POST, request.FILES, prefix="doc")
    if form.is_valid():
        try:
            document = campaign_document_add(
                actor=request.user,
                campaign=campaign,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["upload"],
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, f"« {document.title} » ajouté au porte-documents.")
    else:
        messages.error(request, "Indiquez un titre et choisissez un fichier PDF.")
    return redirect("applicants:campaign-update", pk=campaign.pk)


@login_required
@require_POST
def campaign_document_delete_view(request, pk: int):
    _manager(request)
    document = get_object_or_404(CampaignDocument, pk=pk)
    campaign_pk = document.campaign_id
    campaign_document_delete(actor=request.user, document=document)
    messages.success(request, "Document retiré du porte-documents.")
    return redirect("applicants:campaign-update", pk=campaign_pk)


def campaign_public_view(request, pk: int):
    """Public page of a call: what the CCR is, the sites, the calendar, the charter."""
    campaign = get_object_or_404(
        Campaign.objects.prefetch_related("sites", "charter_commitments", "documents"), pk=pk
    )
    return render(
        request,
        "applicants/campaign_public.html",
        {
            "campaign": campaign,
            "is_open": campaign.is_open(),
            # The public sees a document once the antivirus lets it through.
            "published_documents": [d for d in campaign.documents.all() if d.is_downloadable],
            "panels": rendered_panels(CAMPAIGN_PUBLIC, request, campaign=campaign),
        },
    )


def campaign_document_download_view(request, pk: int):
    """The porte-documents is public: these PDFs are the working groups' minutes.

    Public, yet never rendered in the portal's origin: an attachment like every file.
    """
    document = get_object_or_404(CampaignDocument.objects.select_related("campaign"), pk=pk)
    return scanned_file_response(
        request,
        document,
        content_type="application/pdf",
        back_url=document.campaign.get_absolute_url(),
    )
