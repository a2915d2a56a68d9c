"""Seller Central: create a new catalog product (hidden until staff approve it), see the
products submitted with their review state, and correct a rejected one and send it again
(ADR 0081). The writes are ``catalog.submissions``'s services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from catalog.models import Product
from catalog.seller_central.forms import OfferCreateForm
from catalog.seller_central.variations import (
    DIMENSION_SUGGESTIONS,
    ROWS_STEP,
    BaseVariationFormSet,
    VariationThemeForm,
    rows_requested,
    variation_formset,
)
from catalog.seller_central.views import NEW_OFFER_INITIAL, ListingSectionMixin
from catalog.services import DuplicateSku
from catalog.submissions import (
    ATTRIBUTES_MAX,
    IMAGES_MAX,
    VARIATIONS_MAX,
    VARIATIONS_MIN,
    WEIGHT_MAX_GRAMS,
    SubmissionRefused,
    VariationRefused,
    leaf_categories,
    product_family_submit,
    product_resubmit,
    product_submit,
    resubmittable_product,
)
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_int
from sellers.models import Seller

PAGE_SIZE = 25
PRODUCT_FIELDS = ["title", "brand", "category", "gtin", "description", "attributes", "weight_grams"]
OFFER_FIELDS = ["sku", "condition", "condition_note", "price", "shipping", "handling_days"]


def product_submission_list(*, seller: Seller) -> QuerySet[Product]:
    """The products ``seller`` created, newest first, with their category and brand; a family
    once (its parent, with ``variation_count``), not each of its variations."""
    return (
        Product.objects.filter(submitted_by_seller=seller, parent__isnull=True)
        .select_related("category", "brand")
        .annotate(variation_count=Count("variants"))
        .order_by("-submitted_at", "-id")
    )


class ProductFieldsForm(forms.Form):
    """A product's own fields, as a seller types them. Pictures are files, read by the service."""

    title = forms.CharField(label="Title", max_length=300)
    brand = forms.CharField(label="Brand", max_length=120, required=False)
    category = forms.TypedChoiceField(label="Category", coerce=int)
    gtin = forms.CharField(label="GTIN / EAN / UPC", max_length=20, required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False, strip=False)
    attributes = forms.CharField(label="Key attributes", widget=forms.Textarea, required=False, strip=False)
    weight_grams = forms.CharField(label="Weight (grams)", max_length=20)

    field_order = PRODUCT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose a category")] + [
            (category.pk, label) for category, label in leaf_categories()
        ]
        self.fields["category"].error_messages.update(
            required="Choose a category from the list.", invalid_choice="Choose a category from the list."
        )
        self.fields["title"].error_messages.update(
            required="Enter the title.", max_length="The title is too long: at most 300 characters."
        )
        self.fields["weight_grams"].error_messages["required"] = "Enter the weight in grams."

    def clean_weight_grams(self):
        refusal = f"The weight is a whole number of grams from 1 to {WEIGHT_MAX_GRAMS:,}."
        try:
            return parse_int(
                self.cleaned_data["weight_grams"],
                minimum=1,
                maximum=WEIGHT_MAX_GRAMS,
                invalid=refusal,
                too_small=refusal,
                too_large=refusal,
            )
        except ApplicationError as error:
            raise ValidationError(error.message) from None


class ProductSubmitForm(ProductFieldsForm, OfferCreateForm):
    """The new product's fields, then its first offer (OfferCreateForm's)."""

    field_order = PRODUCT_FIELDS


def product_initial(product: Product) -> dict:
    """The correction form's starting values: what the product holds now."""
    return {
        "title": product.title,
        "brand": product.brand.name if product.brand else "",
        "category": product.category_id,
        "gtin": product.gtin or "",
        "description": product.description,
        "attributes": "\n".join(f"{name}: {value}" for name, value in (product.attributes or {}).items()),
        "weight_grams": product.weight_grams,
    }


def product_fields(data: dict, request) -> dict:
    """The services' keyword arguments for the product's own fields (a ProductFieldsForm's data)."""
    return {
        "title": data["title"],
        "brand_name": data["brand"],
        "category_id": data["category"],
        "description": data["description"],
        "attributes_text": data["attributes"],
        "weight_grams": data["weight_grams"],
        "uploads": request.FILES.getlist("images"),
    }


def _field_error(form, error: ApplicationError) -> str:
    """Put ``error`` on its field (or the form); return it when it is about the pictures."""
    field = "sku" if isinstance(error, DuplicateSku) else getattr(error, "field", None)
    if isinstance(error, SubmissionRefused) and field == "images":
        return error.message
    form.add_error(field if field in form.fields else None, error.message)
    return ""


class ProductListView(ListingSectionMixin, TemplateView):
    template_name = "catalog/seller/product_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(product_submission_list(seller=self.seller), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(page_obj=page, products=page.object_list)
        return context


class ProductNewView(ListingSectionMixin, TemplateView):
    """Create a new product: standalone with one offer, or with variations (ADR 0081, 0095)."""

    template_name = "catalog/seller/product_new.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = rows_requested(self.request.GET.get("rows"))
        theme = kwargs.get("theme") or VariationThemeForm(
            initial={"has_variations": self.request.GET.get("variations") == "1"}
        )
        variations = kwargs.get("variations") or variation_formset(rows=rows)
        context.update(
            form=kwargs.get("form") or ProductSubmitForm(initial={**NEW_OFFER_INITIAL, "weight_grams": 500}),
            images_error=kwargs.get("images_error", ""),
            theme=theme,
            variations=variations,
            variations_error=kwargs.get("variations_error", ""),
            dimension_suggestions=DIMENSION_SUGGESTIONS,
            rows_more=min(len(variations.forms) + ROWS_STEP, VARIATIONS_MAX),
            variations_min=VARIATIONS_MIN,
            variations_max=VARIATIONS_MAX,
            attributes_max=ATTRIBUTES_MAX,
            images_max=IMAGES_MAX,
            can_list=self.seller.status == Seller.Status.APPROVED,
        )
        return context

    def post(self, request):
        theme = VariationThemeForm(request.POST)
        theme.is_valid()
        if theme.cleaned_data.get("has_variations"):
            return self.post_family(request, theme)
        form = ProductSubmitForm(request.POST)
        images_error = ""
        if form.is_valid():
            data = form.cleaned_data
            try:
                product = product_submit(
                    seller=self.seller,
                    actor=request.user,
                    **product_fields(data, request),
                    gtin=data["gtin"],
                    sku=data["sku"],
                    condition=data["condition"],
                    condition_note=data["condition_note"],
                    price=data["price"],
                    shipping=data["shipping"],
                    handling_days=data["handling_days"],
                )
            except ApplicationError as error:
                images_error = _field_error(form, error)
            else:
                messages.success(
                    request,
                    f"Sent for review: {product.title}. It stays hidden until our team approves it; "
                    "we e-mail you the decision.",
                )
                return redirect("seller:product-list")
        return self.render_to_response(
            self.get_context_data(form=form, theme=VariationThemeForm(), images_error=images_error),
            status=400,
        )

    def post_family(self, request, theme: VariationThemeForm):
        """Create a product with variations from the product fields and the variation table."""
        form = ProductSubmitForm(request.POST)
        variations = variation_formset(data=request.POST)
        product_valid = _product_fields_valid(form)
        rows_valid = variations.is_valid()
        images_error = variations_error = ""
        if form.cleaned_data.get("gtin"):
            form.add_error(
                "gtin", "A product with variations has no GTIN of its own: give each variation's in its row."
            )
        elif theme.is_valid() and product_valid and rows_valid:
            data = form.cleaned_data
            try:
                product = product_family_submit(
                    seller=self.seller,
                    actor=request.user,
                    **product_fields(data, request),
                    dimensions=theme.dimensions(),
                    variations=variations.offers(),
                )
            except ApplicationError as error:
                images_error, variations_error = _family_error(form, theme, variations, error)
            else:
                count = product.variants.count()
                messages.success(
                    request,
                    f"Sent for review: {product.title}, with {count} variations. They stay hidden until our "
                    "team approves them; we e-mail you the decision.",
                )
                return redirect("seller:product-list")
        context = self.get_context_data(
            form=form,
            theme=theme,
            variations=variations,
            images_error=images_error,
            variations_error=variations_error,
        )
        return self.render_to_response(context, status=400)


def _product_fields_valid(form: ProductSubmitForm) -> bool:
    """Validate only the product's own fields: a family's offers are in its variation table."""
    form.is_valid()
    for name in OFFER_FIELDS:
        form.errors.pop(name, None)
    return not form.errors


def _family_error(form, theme, variations: BaseVariationFormSet, error: ApplicationError) -> tuple[str, str]:
    """Put a refusal of a family on its row, its variation name or its field; return the
    pictures' and the variation table's messages."""
    if isinstance(error, VariationRefused) and error.row and error.row <= len(variations.forms):
        variations.forms[error.row - 1].add_error(None, error.message)
        return "", error.message
    field = getattr(error, "field", None)
    if field == "variations":
        return "", error.message
    if field in theme.fields:
        theme.add_error(field, error.message)
        return "", ""
    return _field_error(form, error), ""


class ProductResubmitView(ListingSectionMixin, TemplateView):
    """Correct a rejected product and send it for review again; any other product is a 404."""

    template_name = "catalog/seller/product_edit.html"

    def product(self) -> Product:
        product = resubmittable_product(seller=self.seller, pk=self.kwargs["pk"])
        if product is None:
            raise Http404("No such product to correct.")
        return product

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = kwargs.get("product") or self.product()
        context.update(
            product=product,
            form=kwargs.get("form") or ProductFieldsForm(initial=product_initial(product)),
            images_error=kwargs.get("images_error", ""),
            picture_count=product.images.count(),
            variation_count=product.variants.count() if product.is_parent else 0,
            attributes_max=ATTRIBUTES_MAX,
            images_max=IMAGES_MAX,
            can_list=self.seller.status == Seller.Status.APPROVED,
        )
        return context

    def post(self, request, pk):
        product = self.product()
        form = ProductFieldsForm(request.POST)
        images_error = ""
        if form.is_valid():
            data = form.cleaned_data
            try:
                product = product_resubmit(
                    seller=self.seller,
                    actor=request.user,
                    product=product,
                    **product_fields(data, request),
                    gtin=data["gtin"],
                )
            except ApplicationError as error:
                images_error = _field_error(form, error)
            else:
                messages.success(
                    request,
                    f"Sent for review again: {product.title}. It stays hidden until our team approves it; "
                    "we e-mail you the decision.",
                )
                return redirect("seller:product-list")
        return self.render_to_response(
            self.get_context_data(product=product, form=form, images_error=images_error), status=400
        )
