from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import prefetch_related_objects
from django.views.generic import TemplateView

from catalog import selectors
from catalog.forms import SORT_CHOICES, ProductFilterForm, SearchForm
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


class HomeView(TemplateView):
    template_name = "catalog/home.html"

    def get_context_data(self, **kwargs):
        bestsellers = selectors.product_bestsellers(limit=HOME_LIST_SIZE)
        deals = selectors.product_deals(limit=HOME_LIST_SIZE)
        # One query for the images of both lists.
        prefetch_related_objects(bestsellers + deals, selectors.card_image_prefetch())
        return super().get_context_data(bestsellers=bestsellers, deals=deals, **kwargs)


class CategoryDetailView(TemplateView):
    template_name = "catalog/category_detail.html"

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


class ProductDetailView(TemplateView):
    template_name = "catalog/product_detail.html"

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
            **kwargs,
        )


class ProductSearchView(TemplateView):
    template_name = "catalog/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET)
        query = form.query()
        page_obj = paginate(self.request, selectors.product_search(query=query)) if query else None
        return super().get_context_data(form=form, query=query, page_obj=page_obj, **kwargs)


class SellerDetailView(TemplateView):
    """A seller's public page: its profile and its listings."""

    template_name = "sellers/seller_detail.html"

    def get_context_data(self, **kwargs):
        seller = seller_get_public(slug=self.kwargs["slug"])
        page_obj = paginate(self.request, selectors.offer_list_for_seller(seller=seller))
        return super().get_context_data(seller=seller, page_obj=page_obj, **kwargs)
