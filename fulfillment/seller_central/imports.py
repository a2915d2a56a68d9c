"""Bulk import and export of offers: the pages (Seller Central, listings section).

The export downloads every offer in the import's format; the import page takes an upload
(checked whole before anything is stored: a refusal re-renders the form with status 400) and
lists past imports; a job's page shows its progress, polled by htmx every second until it is
done (then the page reloads with the results), and its per-row results, errors first, with a
CSV download. Every job is read through a selector that takes the seller: another seller's job
is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from fulfillment.imports.export import offer_export
from fulfillment.imports.files import (
    BASE_COLUMNS,
    CSV_CONTENT_TYPE,
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    QTY_PREFIX,
    XLSX_CONTENT_TYPE,
    csv_bytes,
)
from fulfillment.imports.selectors import import_job_get_for_seller, import_job_list, import_row_list
from fulfillment.imports.services import import_job_create
from fulfillment.models import ImportJob, Warehouse
from marketplace.core.errors import ApplicationError
from sellers.access import Section
from sellers.central import SellerCentralMixin

JOBS_PAGE_SIZE = 20
ROWS_PAGE_SIZE = 50
PROGRESS_TEMPLATE = "fulfillment/seller/import_progress.html"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Offer file (CSV or XLSX)",
        help_text=f"At most {MAX_FILE_BYTES // 1024 // 1024} MB and {MAX_DATA_ROWS:,} rows, "
        "with the export's header row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ListingsSectionMixin(SellerCentralMixin):
    section = Section.LISTINGS


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M")


class ListingExportView(ListingsSectionMixin, View):
    """Every offer of the seller as CSV (UTF-8 with BOM) or XLSX."""

    file_format = "csv"

    def get(self, request):
        content = offer_export(seller=self.seller, file_format=self.file_format)
        content_type = XLSX_CONTENT_TYPE if self.file_format == "xlsx" else CSV_CONTENT_TYPE
        response = HttpResponse(content, content_type=content_type)
        filename = f"listings-{self.seller.slug}-{_stamp()}.{self.file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ImportNewView(ListingsSectionMixin, TemplateView):
    """Upload a file (POST) and see the past imports (GET)."""

    template_name = "fulfillment/seller/import_new.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(import_job_list(seller=self.seller), JOBS_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        codes = Warehouse.objects.filter(seller=self.seller).order_by("code").values_list("code", flat=True)
        context.update(
            form=kwargs.get("form") or ImportForm(),
            jobs=page.object_list,
            page_obj=page,
            base_columns=BASE_COLUMNS,
            qty_columns=[f"{QTY_PREFIX}{code}" for code in codes],
            max_rows=MAX_DATA_ROWS,
        )
        return context

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_FILE_BYTES:
                    raise ApplicationError(
                        f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                        f"{MAX_FILE_BYTES // 1024 // 1024} MB."
                    )
                job = import_job_create(
                    seller=self.seller, user=request.user, filename=upload.name, content=upload.read()
                )
            except ApplicationError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, f"{upload.name} is being imported: {job.total_rows:,} rows.")
                return redirect("seller:import-detail", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportJobMixin(ListingsSectionMixin):
    def job(self) -> ImportJob:
        try:
            return import_job_get_for_seller(seller=self.seller, pk=self.kwargs["pk"])
        except ImportJob.DoesNotExist:
            raise Http404("No such import.") from None


class ImportDetailView(ImportJobMixin, TemplateView):
    """A job's progress (htmx polls ``?part=progress``) and, once done, its per-row results."""

    template_name = "fulfillment/seller/import_detail.html"

    def get(self, request, *args, **kwargs):
        job = self.job()
        if request.GET.get("part") == "progress":
            response = TemplateResponse(request, PROGRESS_TEMPLATE, {"job": job})
            if job.is_finished and request.htmx:
                response["HX-Refresh"] = "true"  # the results table comes with the whole page
            return response
        context = self.get_context_data(job=job)
        if job.is_finished:
            paginator = Paginator(import_row_list(job=job), ROWS_PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            context.update(rows=page.object_list, page_obj=page)
        return self.render_to_response(context)


class ImportResultsView(ImportJobMixin, View):
    """The per-row results of a job as CSV: row, sku, outcome, message (in file order)."""

    def get(self, request, pk):
        job = self.job()
        rows = import_row_list(job=job, errors_first=False).values_list(
            "row_number", "sku", "outcome", "message"
        )
        content = csv_bytes(("row", "sku", "outcome", "message"), rows.iterator(chunk_size=2000))
        response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-results.csv"'
        return response
