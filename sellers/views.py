from django.views.generic import TemplateView

from catalog.views import paginate
from sellers import selectors


class SellerDetailView(TemplateView):
    template_name = "sellers/seller_detail.html"

    def get_context_data(self, **kwargs):
        seller = selectors.seller_get_public(slug=self.kwargs["slug"])
        page_obj = paginate(self.request, selectors.seller_offer_list(seller=seller))
        return super().get_context_data(seller=seller, page_obj=page_obj, **kwargs)
