from orders.cart import cart_count_for_request


def cart(request):
    """Add ``cart_count`` (units in the cart, saved for later not counted) to every page's header."""
    return {"cart_count": cart_count_for_request(request)}
