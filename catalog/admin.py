"""The catalog in the staff admin: categories, brands, products, images and offers.

Every changelist reads its rows with one query whatever the page size:
related rows come through ``list_select_related`` and counts or sums through
correlated subqueries annotated on the changelist queryset.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.cache import cache
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from catalog import admin_search  # noqa: F401 (registers the SearchSynonym admin)
from catalog.models import Brand, Category, Offer, Product, ProductImage
from catalog.selectors import NAVIGATION_CACHE_KEY
from catalog.services import (
    category_create,
    category_move,
    product_image_renditions_create,
    product_refresh_buy_box,
)
from catalog.submissions import product_review_approve, product_review_reject
from marketplace.core.admin_actions import action_confirmation, decide_each
from marketplace.core.money import format_money
from sellers.models import Seller


def count_of(model, relation: str):
    """Return a subquery counting the rows of ``relation`` for each ``model`` row.

    One correlated subquery per row, evaluated only for the rows of the page,
    instead of a GROUP BY over the whole table.
    """
    counted = model.objects.filter(pk=OuterRef("pk")).annotate(n=Count(relation)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def sum_of(model, expression):
    """Return a subquery summing ``expression`` over a relation for each row."""
    summed = model.objects.filter(pk=OuterRef("pk")).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


def admin_link(obj, label=None):
    """Return a link to the admin change page of ``obj`` (or a dash)."""
    if obj is None:
        return "-"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label if label is not None else obj)


class AutocompleteListFilter(admin.FieldListFilter):
    """Filter by one related object chosen with the admin's select2 autocomplete.

    Unlike ``RelatedFieldListFilter`` it never lists every related row, so it
    stays usable with thousands of brands, sellers or warehouses. The related
    model's admin must define ``search_fields``; the model admin using the
    filter must include ``AutocompleteListFilter.media_for(...)`` in its media.
    """

    template = "admin/autocomplete_list_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__{field.target_field.attname}__exact"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.remote_model = field.remote_field.model
        self.source_opts = model._meta
        self.field_name = field.name
        value = self.used_parameters.get(self.lookup_kwarg)
        value = value[-1] if isinstance(value, list) else value
        self.selected = None
        if value not in (None, ""):
            self.selected = self.remote_model._default_manager.filter(pk=value).first()
        self.title = field.verbose_name

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def get_facet_counts(self, pk_attname, filtered_qs):
        # Counting per related object would mean listing them all.
        return {}

    def choices(self, changelist):
        # The filter template gets only the spec and these choices, so keep
        # what the autocomplete widget needs on the spec.
        self.widget = self.widget_context(changelist)
        yield {
            "selected": self.selected is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
            "display": "All",
        }

    def widget_context(self, changelist):
        return {
            "url": reverse("admin:autocomplete"),
            "app_label": self.source_opts.app_label,
            "model_name": self.source_opts.model_name,
            "field_name": self.field_name,
            "param": self.lookup_kwarg,
            "base_query": changelist.get_query_string(remove=[self.lookup_kwarg, "p"]),
            "selected": self.selected,
        }

    @staticmethod
    def media_for(model, field_name, admin_site):
        widget = AutocompleteSelect(model._meta.get_field(field_name), admin_site)
        # Listing jQuery and jquery.init first makes Media merging keep the
        # filter script after them.
        own = forms.Media(
            js=[
                "admin/js/vendor/jquery/jquery.min.js",
                "admin/js/jquery.init.js",
                "catalog/admin/autocomplete_list_filter.js",
            ]
        )
        return widget.media + own


class TopLevelCategoryFilter(admin.SimpleListFilter):
    """Limit rows to one top-level category and everything beneath it."""

    title = "top-level category"
    parameter_name = "top_category"
    path_lookup = "category__path__startswith"

    def lookups(self, request, model_admin):
        top = Category.objects.filter(parent__isnull=True).order_by("position", "name")
        return [(c.path, c.name) for c in top.only("id", "name", "path")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.path_lookup: self.value()})
        return queryset


class SubtreeFilter(TopLevelCategoryFilter):
    path_lookup = "path__startswith"


CATEGORY_FIELDS = ["name", "slug", "parent", "description", "position", "is_active"]


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = CATEGORY_FIELDS

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        category = self.instance
        if parent is not None and category.pk and parent.path.startswith(category.path):
            raise forms.ValidationError(
                "A category cannot be placed under itself or one of its subcategories."
            )
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["indented_name", "slug", "parent", "depth", "position", "product_count", "is_active"]
    list_display_links = ["indented_name"]
    list_filter = [SubtreeFilter, "depth", "is_active"]
    list_select_related = ["parent"]
    list_per_page = 100
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth", "product_count"]
    fields = [
        "name",
        "slug",
        "parent",
        "description",
        "position",
        "is_active",
        "path",
        "depth",
        "product_count",
    ]
    ordering = ["path"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=count_of(Category, "products"))

    @admin.display(description="name", ordering="path")
    def indented_name(self, obj):
        return format_html('<span style="padding-left: {}em">{}</span>', obj.depth * 1.5, obj.name)

    @admin.display(description="products", ordering="product_total")
    def product_count(self, obj):
        total = getattr(obj, "product_total", None)
        if total is None:
            return 0 if obj.pk is None else obj.products.count()
        query = urlencode({"category__id__exact": obj.pk})
        return format_html(
            '<a href="{}?{}">{}</a>', reverse("admin:catalog_product_changelist"), query, total
        )

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in CATEGORY_FIELDS}
        if not change:
            created = category_create(**data)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        parent_changed = "parent" in form.changed_data
        other_fields = [name for name in form.changed_data if name != "parent"]
        if other_fields:
            obj.save(update_fields=other_fields)
        if parent_changed:
            moved = category_move(category=obj, parent=data["parent"])
            obj.path, obj.depth = moved.path, moved.depth
        cache.delete(NAVIGATION_CACHE_KEY)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "product_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=count_of(Brand, "products"))

    @admin.display(description="products", ordering="product_total")
    def product_count(self, obj):
        query = urlencode({"brand__id__exact": obj.pk})
        url = reverse("admin:catalog_product_changelist")
        return format_html('<a href="{}?{}">{}</a>', url, query, obj.product_total)


def thumbnail(image: ProductImage, size: int = 80):
    if not image or not image.image:
        return "-"
    return format_html(
        '<img src="{}" alt="{}" style="max-width:{}px; max-height:{}px">',
        image.image.url,
        image.alt_text,
        size,
        size,
    )


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]
    extra = 0

    @admin.display(description="preview")
    def preview(self, obj):
        return thumbnail(obj)


class OfferInline(admin.TabularInline):
    model = Offer
    fields = [
        "sku",
        "seller",
        "condition",
        "price_amount",
        "shipping_amount",
        "currency",
        "handling_days",
        "fulfilled_by_marketplace",
        "is_active",
    ]
    autocomplete_fields = ["seller"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller")


class ProductRejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=1000,
        help_text="E-mailed to the seller and shown in Seller Central: say what to correct.",
    )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "brand",
        "category",
        "buy_box_price",
        "in_stock",
        "offer_count",
        "rating_average",
        "sales_count",
        "is_active",
    ]
    list_filter = [
        "review_status",
        "is_active",
        "in_stock",
        TopLevelCategoryFilter,
        ("brand", AutocompleteListFilter),
    ]
    list_select_related = ["brand", "category"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["title", "=gtin", "^slug"]
    search_help_text = "Title (contains), GTIN (exact) or slug (starts with)."
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "brand", "parent"]
    inlines = [ProductImageInline, OfferInline]
    actions = ["recompute_buy_box", "approve_review", "reject_review"]
    readonly_fields = [
        "review_status",
        "review_note",
        "submitted_by_seller",
        "submitted_at",
        "buy_box_offer_link",
        "buy_box_price",
        "buy_box_landed_price",
        "in_stock",
        "offer_count",
        "discount_percent",
        "variants_link",
        "rating_average",
        "rating_count",
        "sales_count",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "brand", "gtin", "description", "is_active"]}),
        ("Details", {"fields": ["attributes", "weight_grams", "list_price_amount"]}),
        ("Variations", {"fields": ["parent", "variation_theme", "variant_attributes", "variants_link"]}),
        (
            "Buy box (computed from the offers)",
            {
                "fields": [
                    "buy_box_offer_link",
                    "buy_box_price",
                    "buy_box_landed_price",
                    "in_stock",
                    "offer_count",
                    "discount_percent",
                ]
            },
        ),
        ("Reviews and sales", {"fields": ["rating_average", "rating_count", "sales_count"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
        (
            "Review (products created by sellers)",
            {"fields": ["review_status", "review_note", "submitted_by_seller", "submitted_at"]},
        ),
    ]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(Product, "brand", self.admin_site)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name == "catalog_product_change":
            queryset = queryset.select_related("buy_box_offer__seller")
        return queryset

    @admin.display(description="buy-box price", ordering="buy_box_price_amount")
    def buy_box_price(self, obj):
        if obj.buy_box_price_amount is None:
            return "-"
        return format_money(obj.buy_box_price_amount, obj.buy_box_currency)

    @admin.display(description="buy-box offer")
    def buy_box_offer_link(self, obj):
        offer = obj.buy_box_offer
        if offer is None:
            return "No offer can be bought"
        return admin_link(offer, f"{offer.sku} by {offer.seller}")

    @admin.display(description="landed price (price + shipping)")
    def buy_box_landed_price(self, obj):
        offer = obj.buy_box_offer
        if offer is None:
            return "-"
        price, shipping, landed = (
            format_money(amount, offer.currency)
            for amount in (offer.price_amount, offer.shipping_amount, offer.landed_price_amount)
        )
        return f"{price} + {shipping} = {landed}"

    @admin.display(description="variations")
    def variants_link(self, obj):
        if obj.pk is None:
            return "-"
        count = obj.variants.count()
        if not count:
            return "None"
        query = urlencode({"parent__id__exact": obj.pk})
        url = reverse("admin:catalog_product_changelist")
        return format_html('<a href="{}?{}">{} variation{}</a>', url, query, count, "" if count == 1 else "s")

    @admin.action(description="Recompute buy box of selected products")
    def recompute_buy_box(self, request, queryset):
        updated = product_refresh_buy_box(product_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Recomputed the buy box of {updated} products.", messages.SUCCESS)

    def _review(self, request, queryset, verb: str, change, **kwargs) -> None:
        decide_each(
            self,
            request,
            queryset.select_related("submitted_by_seller").order_by("pk"),
            change=change,
            keyword="product",
            subject_of=lambda product: product,
            name_of=lambda product: product.title,
            log_label="Product",
            verb=verb,
            **kwargs,
        )

    @admin.action(description="Approve selected products", permissions=["change"])
    def approve_review(self, request, queryset):
        self._review(request, queryset, "approved", product_review_approve)

    @admin.action(description="Reject selected products with a reason…", permissions=["change"])
    def reject_review(self, request, queryset):
        """Ask for the reason on an intermediate page, then reject."""
        form = ProductRejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._review(
                request, queryset, "rejected", product_review_reject, reason=form.cleaned_data["reason"]
            )
            return None
        return action_confirmation(
            self,
            request,
            template="admin/catalog/product/reject_selected.html",
            title="Reject products",
            action="reject_review",
            objects=queryset.select_related("submitted_by_seller").order_by("title"),
            form=form,
            submit_label="Reject",
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.model is ProductImage:
                _make_renditions(formset.new_objects + [obj for obj, _fields in formset.changed_objects])
        product_refresh_buy_box(product_ids=[form.instance.pk])


def _make_renditions(images) -> None:
    """Write the smaller copies of uploaded pictures now, not at the first visitor's render."""
    for image in images:
        product_image_renditions_create(product_image=image, replace=True)


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ["preview", "alt_text", "product", "position", "width", "height"]
    list_display_links = ["preview", "alt_text"]
    list_select_related = ["product"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["alt_text", "product__title"]
    autocomplete_fields = ["product"]
    readonly_fields = ["preview", "width", "height"]
    fields = ["product", "image", "preview", "width", "height", "alt_text", "position"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            _make_renditions([obj])

    @admin.display(description="preview")
    def preview(self, obj):
        return thumbnail(obj)


class SellerStatusFilter(admin.SimpleListFilter):
    title = "seller status"
    parameter_name = "seller_status"

    def lookups(self, request, model_admin):
        return Seller.Status.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(seller__status=self.value())
        return queryset


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "product",
        "seller",
        "condition",
        "price",
        "shipping",
        "landed_price",
        "available",
        "is_active",
    ]
    list_filter = [
        "condition",
        "is_active",
        "fulfilled_by_marketplace",
        SellerStatusFilter,
        ("seller", AutocompleteListFilter),
    ]
    list_select_related = ["product", "seller"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["sku", "product__title", "seller__name"]
    search_help_text = "SKU, product title or seller name."
    autocomplete_fields = ["product", "seller"]
    readonly_fields = ["landed_price", "available", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["product", "seller", "sku", "condition", "condition_note", "is_active"]}),
        (
            "Price",
            {"fields": ["price_amount", "shipping_amount", "currency", "landed_price"]},
        ),
        ("Fulfilment", {"fields": ["handling_days", "fulfilled_by_marketplace", "available"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(Offer, "seller", self.admin_site)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(units_available=sum_of(Offer, F("stocks__on_hand") - F("stocks__reserved")))
        )

    @admin.display(description="price", ordering="price_amount")
    def price(self, obj):
        return format_money(obj.price_amount, obj.currency)

    @admin.display(description="shipping", ordering="shipping_amount")
    def shipping(self, obj):
        return format_money(obj.shipping_amount, obj.currency)

    @admin.display(description="landed price")
    def landed_price(self, obj):
        if obj.price_amount is None:
            return "-"
        return format_money(obj.landed_price_amount, obj.currency)

    @admin.display(description="available", ordering="units_available")
    def available(self, obj):
        return getattr(obj, "units_available", 0)

    def save_related(self, request, form, formsets, change):
        """Save the inlines, then refresh the buy box of the offer's product
        (and of the product it was moved from)."""
        super().save_related(request, form, formsets, change)
        previous_product_id = form.initial.get("product") if change else None
        product_refresh_buy_box(product_ids={form.instance.product_id, previous_product_id} - {None})

    def delete_model(self, request, obj):
        product_id = obj.product_id
        super().delete_model(request, obj)
        product_refresh_buy_box(product_ids=[product_id])

    def delete_queryset(self, request, queryset):
        product_ids = set(queryset.values_list("product_id", flat=True))
        super().delete_queryset(request, queryset)
        product_refresh_buy_box(product_ids=product_ids)
