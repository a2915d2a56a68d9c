"""Signal and domain-event handlers of the orders app: thin, they call services."""

from django.contrib import messages

from orders.cart import SESSION_CART_ID, cart_count_prime, cart_merge_guest_cart


def cart_merge_on_sign_in(sender, request, user, **kwargs):
    """Merge the cart the shopper filled as a guest into their own cart.

    The guest cart's id is kept in the session, whose data Django carries over
    when it rotates the session key at sign-in. The header count is cached here
    so that the pages that follow need no query for it.
    """
    guest_cart_id = request.session.pop(SESSION_CART_ID, None) if hasattr(request, "session") else None
    if guest_cart_id is not None and cart_merge_guest_cart(user=user, guest_cart_id=guest_cart_id):
        messages.info(request, "The items you added before signing in are in your cart.", fail_silently=True)
    cart_count_prime(user=user)
