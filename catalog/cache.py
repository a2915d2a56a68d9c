"""Whole-page cache of the storefront for shoppers who are not signed in.

A page is cached as the bytes of its body under its URL (host, path and the query parameters
the page reads, sorted, empty ones left out) together with the *versions* it was rendered
against. A request with a parameter the page does not read, or an over-long query string, is
rendered live and never stored, so junk query strings cannot fill the cache (which shares Redis
with the broker). A version is a random token in the cache, one per product
(``product:<id>``) and one for every listing (``listings``); a write that changes what a page
shows replaces the token after its transaction commits (``page_versions_bump``), so the next
request sees a different version and renders the page again. Entries also expire after
``CATALOG_PAGE_CACHE_SECONDS``, which bounds how late anything the versions do not cover (a
category renamed, a seller's rating) shows.

Only a request that would render the same page for anyone is served from (or stored in) the
cache: GET or HEAD, not signed in, no pending messages. The two things in such a page that still
belong to the shopper are rendered as slots and filled per request: the CSRF token of the
add-to-cart forms (each shopper's own, from ``get_token``) and the header's cart count (cached
per cart by ``orders.cart``). A hit therefore costs two cache reads and no query (one for the
session when the shopper has a session cookie). See docs/performance.md and ADR 0040.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Collection, Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

PAGE_PREFIX = "catalog:page:v1:"
VERSION_PREFIX = "catalog:version:"
LISTINGS = "listings"
# Versions outlive any page entry, so a page never outlives the version it was checked against.
VERSION_SECONDS = 60 * 60 * 24
# Stand-ins rendered into a cached page and replaced per request (letters only: never escaped).
CSRF_SLOT = "CatalogPageCsrfTokenSlot"
CART_COUNT_SLOT = "CatalogPageCartCountSlot"
# A page that uses the request's CSP nonce (an inline script) gets the current one, not the stored one.
CSP_NONCE_SLOT = "CatalogPageCspNonceSlot"
HEADER = "X-Page-Cache"
# A longer query string is not a page anyone links to: it is rendered live, never stored.
MAX_QUERY_STRING = 512


def product_version(product_id: int) -> str:
    return f"product:{product_id}"


def page_cache_seconds() -> int:
    return getattr(settings, "CATALOG_PAGE_CACHE_SECONDS", 60)


def page_versions_bump(*, product_ids: Iterable[int] = (), listings: bool = True) -> None:
    """After the current transaction commits, make the pages showing these products stale.

    ``listings`` also makes every listing (home, categories, search) stale.
    """
    names = [product_version(pk) for pk in sorted(set(product_ids))]
    if listings:
        names.append(LISTINGS)
    if not names or page_cache_seconds() <= 0:
        return

    def bump():
        cache.set_many({VERSION_PREFIX + name: secrets.token_hex(8) for name in names}, VERSION_SECONDS)

    transaction.on_commit(bump, robust=True)


def _current_versions(names: Iterable[str]) -> dict[str, str]:
    """The versions of ``names``, creating the missing ones (so an evicted version is a miss)."""
    keys = {VERSION_PREFIX + name: name for name in names}
    found = cache.get_many(list(keys))
    for key in keys.keys() - found.keys():
        cache.add(key, secrets.token_hex(8), VERSION_SECONDS)
        found[key] = cache.get(key)
    return {keys[key]: value for key, value in found.items()}


def page_cacheable(request, params: Collection[str] | None = None) -> bool:
    """Whether this request's page is the same for every shopper in its position.

    With ``params`` (the query parameters the page reads), a request carrying any other
    parameter, or a query string over ``MAX_QUERY_STRING`` characters, is not.
    """
    if page_cache_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        return False
    if params is not None and not set(request.GET).issubset(params):
        return False
    if request.headers.get("HX-Request"):
        return False
    if request.user.is_authenticated:
        return False
    # len() loads the pending messages without marking them read.
    return len(get_messages(request)) == 0


def _page_key(request) -> str:
    """The host, the path and the parameters with a value, sorted: one entry however they are ordered."""
    pairs = sorted((key, value) for key in request.GET for value in request.GET.getlist(key) if value != "")
    url = f"{request.get_host()}{request.path}?{urlencode(pairs)}"
    return PAGE_PREFIX + hashlib.sha256(url.encode()).hexdigest()


def _fill(request, body: bytes) -> bytes:
    if CSRF_SLOT.encode() in body:
        body = body.replace(CSRF_SLOT.encode(), get_token(request).encode())
    if CSP_NONCE_SLOT.encode() in body:
        body = body.replace(CSP_NONCE_SLOT.encode(), str(request.csp_nonce).encode())
    if CART_COUNT_SLOT.encode() in body:
        from orders.cart import cart_count_for_request  # orders sits above catalog

        body = body.replace(CART_COUNT_SLOT.encode(), str(cart_count_for_request(request)).encode())
    return body


SLOT_CONTEXT = {"csrf_token": CSRF_SLOT, "cart_count": CART_COUNT_SLOT, "CSP_NONCE": CSP_NONCE_SLOT}


def cached_page(
    request,
    render: Callable[[dict], HttpResponse],
    *,
    versions_of: Callable[[HttpResponse], Iterable[str]],
    known_versions: Iterable[str] = (),
    params: Collection[str] | None = None,
    meta_of: Callable[[HttpResponse], dict] | None = None,
) -> HttpResponse:
    """Serve the page from the cache when it is fresh, else render, store and serve it.

    ``render(extra_context)`` returns the response (``extra_context`` holds the slots);
    ``versions_of(response)`` names the versions the rendered page depends on, and
    ``known_versions`` those known before rendering. Versions are read *before* rendering,
    so a write that commits during the render leaves an entry the next request does not
    use. When they are not known in advance (a product page's family), the first render
    only records their names and the next one stores the page. ``params`` names the query
    parameters the page reads (``page_cacheable``). ``meta_of(response)`` names facts about the
    page stored with it (the product page's product and buy-box seller, for counting views
    without a query); the response served, hit or miss, carries them as ``page_meta``.
    """
    if not page_cacheable(request, params):
        return render({})
    key = _page_key(request)
    try:
        entry = cache.get(key)
        names = sorted(entry["versions"]) if entry else sorted(set(known_versions))
        before = _current_versions(names) if names else {}
    except Exception:  # a cache that is down serves live pages
        logger.warning("page cache unavailable", exc_info=True)
        return render({})
    if entry and entry["complete"] and before == entry["versions"] and None not in before.values():
        response = HttpResponse(_fill(request, entry["body"]), content_type=entry["content_type"])
        response.page_meta = entry.get("meta")
        response[HEADER] = "hit"
        return response

    response = render(SLOT_CONTEXT)
    if hasattr(response, "render"):
        response.render()
    body = response.content
    response.page_meta = meta_of(response) if meta_of and response.status_code == 200 else None
    if response.status_code == 200 and not response.cookies:
        depends_on = sorted(set(versions_of(response)))
        complete = depends_on == names and None not in before.values()
        entry = {
            "versions": before if complete else dict.fromkeys(depends_on),
            "complete": complete,
            "body": body,
            "content_type": response["Content-Type"],
            "meta": response.page_meta,
        }
        try:
            cache.set(key, entry, page_cache_seconds())
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
    response.content = _fill(request, body)
    response[HEADER] = "miss"
    return response
