from orders.cart import cart_count


def cart(request):
    """Add ``cart_count`` (units in the cart) to every page's header."""
    session = getattr(request, "session", None)
    return {"cart_count": cart_count(session) if session is not None else 0}
