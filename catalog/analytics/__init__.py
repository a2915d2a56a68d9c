"""Product page views: counted in the cache per view, added to ``ProductViewDaily`` by a beat task.

``counting`` counts one view (a request from something that is not a bot) in a
hash of pending counts, one field per product, UTC day and buy-box seller: one
cache round trip, no query, on a live render and on a page-cache hit alike
(the cached page carries its product and buy-box seller). ``flushing`` takes
the pending counts atomically (so two flushes never count a view twice) and
upserts them. docs/decisions/0078-seller-analytics.md has the reasons.
"""

from catalog.analytics.counting import is_bot, product_view_count
from catalog.analytics.flushing import product_views_flush

__all__ = ["is_bot", "product_view_count", "product_views_flush"]
