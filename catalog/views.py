from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import prefetch_related_objects
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from catalog import selectors
from catalog.analytics import product_view_count
from catalog.cache import LISTINGS, cached_page, product_version
from catalog.forms import SORT_CHOICES, ProductFilterForm
from catalog.search import presentation, search
from catalog.search.parsing import parse
from catalog.search.presentation import query_from_params
from catalog.search.suggest import search_suggest
from catalog.search.types import FILTER_NAMES, SORTS
from marketplace.core.inputs import has_control_characters
from marketplace.core.page_sections import page_sections
from marketplace.core.replica import reading_from_replica
from sellers.selectors import seller_get_public

HOME_LIST_SIZE = 8


def paginate(request, queryset, *, per_page: int | None = None) -> Page:
    """Return the requested page; a page number that makes no sense gives page 1 or the last page."""
    paginator = Paginator(queryset, per_page or settings.CATALOG_PAGE_SIZE)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    return paginator.get_page(max(number, 1))


class AnonymousPageCacheMixin:
    """Serve the page from ``catalog.cache`` to shoppers who are not signed in.

    ``page_versions`` are the versions every page of the view depends on; a view whose
    pages depend on rows found while rendering overrides ``page_versions_of``.
    """

    page_versions: tuple[str, ...] = (LISTINGS,)
    # The query parameters the page reads; a request with any other is rendered live, not cached.
    page_params: frozenset[str] = frozenset()
    # Facts about a rendered page kept with its cache entry (``cached_page``'s ``meta_of``).
    page_meta_of = None

    def get(self, request, *args, **kwargs):
        def render(extra_context):
            context = self.get_context_data(**kwargs)
            context.update(extra_context)
            return self.render_to_response(context)

        return cached_page(
            request,
            render,
            versions_of=self.page_versions_of,
            known_versions=self.page_versions,
            params=self.page_params,
            meta_of=self.page_meta_of,
        )

    def page_versions_of(self, response) -> tuple[str, ...]:
        return self.page_versions


@method_decorator(reading_from_replica(), name="get")
class HomeView(AnonymousPageCacheMixin, TemplateView):
    template_name = "catalog/home.html"

    def get_context_data(self, **kwargs):
        bestsellers = selectors.product_bestsellers(limit=HOME_LIST_SIZE)
        deals = selectors.product_deals(limit=HOME_LIST_SIZE)
        # One query for the images of both lists.
        prefetch_related_objects(bestsellers + deals, selectors.card_image_prefetch())
        return super().get_context_data(bestsellers=bestsellers, deals=deals, **kwargs)


@method_decorator(reading_from_replica(), name="get")
class CategoryDetailView(AnonymousPageCacheMixin, TemplateView):
    template_name = "catalog/category_detail.html"
    page_params = frozenset({"page", *ProductFilterForm.base_fields})

    def get_context_data(self, **kwargs):
        category = selectors.category_get(slug=self.kwargs["slug"])
        brand_slugs = self.request.GET.getlist("brand")
        facets = selectors.brand_facets_for_category(category=category, selected=tuple(brand_slugs))
        form = ProductFilterForm(self.request.GET, brand_slugs=[facet.slug for facet in facets])
        filters = form.filters()
        brand_ids = [facet.id for facet in facets if facet.slug in filters.brands] if filters.brands else None
        products = selectors.product_list_for_category(
            category=category, filters=filters, brand_ids=brand_ids
        )
        ancestors = selectors.category_ancestors(category=category)
        return super().get_context_data(
            category=category,
            ancestors=ancestors,
            current_root_slug=(ancestors[0] if ancestors else category).slug,
            children=selectors.category_children(category=category),
            brand_facets=facets,
            form=form,
            filters=filters,
            sort_choices=SORT_CHOICES,
            selected_rating=str(filters.rating_min or ""),
            notices=form.notices,
            page_obj=paginate(self.request, products),
            **kwargs,
        )


@method_decorator(reading_from_replica(), name="get")
class ProductDetailView(AnonymousPageCacheMixin, TemplateView):
    template_name = "catalog/product_detail.html"
    page_versions = ()
    page_params = frozenset({"image"})

    def get(self, request, *args, **kwargs):
        """The page, and one view counted for its product and buy-box seller (catalog.analytics)."""
        response = super().get(request, *args, **kwargs)
        meta = getattr(response, "page_meta", None)
        if meta is None and getattr(response, "context_data", None):
            meta = self.page_meta_of(response)  # rendered live, not through the cache
        if meta:
            product_view_count(
                request, product_id=meta["product_id"], buy_box_seller_id=meta["buy_box_seller_id"]
            )
        return response

    def page_meta_of(self, response) -> dict:
        """The product whose offers the page shows (a family's selected variation) and its buy box."""
        page = response.context_data["page"]
        shown = page.buy_box.product_id if page.buy_box else (page.selected_variant or page.product).pk
        return {"product_id": shown, "buy_box_seller_id": page.buy_box.seller_id if page.buy_box else None}

    def page_versions_of(self, response) -> list[str]:
        """The product, its parent and every variation the page shows (their offers and stock)."""
        page = response.context_data["page"]
        ids = {page.product.pk, page.product.parent_id, *(variant.pk for variant in page.variants)}
        return [product_version(pk) for pk in ids if pk]

    def get_context_data(self, **kwargs):
        page = selectors.product_page_get(slug=self.kwargs["slug"])
        try:
            image_index = int(self.request.GET.get("image", "0"))
        except ValueError:
            image_index = 0
        if not 0 <= image_index < len(page.images):
            image_index = 0
        return super().get_context_data(
            page=page,
            product=page.product,
            main_image=page.images[image_index] if page.images else None,
            image_index=image_index,
            # Reviews and whatever else higher apps add (marketplace/core/page_sections.py).
            sections=page_sections("product", request=self.request, page=page),
            **kwargs,
        )


@method_decorator(reading_from_replica(), name="get")
class ProductSearchView(AnonymousPageCacheMixin, TemplateView):
    """Search results: hits, facets, chips, sort and pages, all in the URL; landing when empty."""

    template_name = "catalog/search.html"
    page_params = frozenset({"q", "page", "sort", *FILTER_NAMES})

    def get_context_data(self, **kwargs):
        query = query_from_params(self.request.GET, page_size=settings.CATALOG_PAGE_SIZE)
        context = super().get_context_data(query=query.text.strip(), **kwargs)
        if parse(query.text).is_empty:
            return context
        result = search(query)
        path = self.request.path
        # Links and hidden fields carry the query on, less what was ignored for its control characters.
        params = [
            (k, v)
            for k in self.request.GET
            for v in self.request.GET.getlist(k)
            if not has_control_characters(k + v)
        ]
        return {
            **context,
            "result": result,
            "products": result.products,
            "page_obj": Paginator(range(result.total), query.page_size).page(result.page)
            if result.total
            else None,
            "facet_blocks": presentation.facet_blocks(path, params, result),
            "chips": presentation.chips(path, params, result),
            "clear_url": f"{path}?{urlencode([('q', query.text)])}",
            "sort_choices": SORTS.items(),
            "current_sort": query.sort if query.sort in SORTS else "relevance",
            "sort_hidden": presentation.hidden_fields(params, "sort"),
            "did_you_mean_url": f"{path}?{urlencode([('q', result.did_you_mean)])}"
            if result.did_you_mean
            else "",
            "popular_categories": selectors.category_navigation(),
        }


class ProductSearchSuggestView(View):
    """Autocomplete for the header search box (JSON), cached per normalised prefix."""

    def get(self, request):
        response = JsonResponse(search_suggest(text=request.GET.get("q", "")[:200]))
        response["Cache-Control"] = "public, max-age=300"
        return response


class SellerDetailView(TemplateView):
    """A seller's public page: its profile and its listings."""

    template_name = "sellers/seller_detail.html"

    def get_context_data(self, **kwargs):
        seller = seller_get_public(slug=self.kwargs["slug"])
        page_obj = paginate(self.request, selectors.offer_list_for_seller(seller=seller))
        return super().get_context_data(
            seller=seller,
            page_obj=page_obj,
            sections=page_sections("seller", request=self.request, seller=seller),
            **kwargs,
        )
