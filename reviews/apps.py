from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from marketplace.accounts.privacy.registry import privacy_register
        from reviews import privacy

        privacy_register(privacy.SECTION)  # what reviews holds about a person (GDPR, ADR 0089)
        # Each part of reviews registers its page sections and event handlers here (one line each).
        from marketplace.core import events
        from reviews import requests

        events.subscribe("seller_order.delivered", requests.review_requests_plan)

        from reviews.feedback import sections as feedback_sections
        from reviews.seller_central import cards as seller_central_cards

        feedback_sections.register()  # the seller page's feedback, the order page's links
        seller_central_cards.register()  # Seller Central's "Customer feedback" card

        from marketplace.core.page_sections import page_section_register
        from reviews.views.sections import PRODUCT_REVIEWS_SECTION

        page_section_register(PRODUCT_REVIEWS_SECTION)  # the product page's reviews (shopper pages)
