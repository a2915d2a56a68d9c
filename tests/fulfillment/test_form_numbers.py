"""Numbers typed in the return and shipping forms: anything that is not one is a message, never a 500.

``"²"`` and ``"١"`` pass ``str.isdigit`` yet ``int("²")`` raises; 5,000 digits pass it and
``int()`` refuses them: both go through ``marketplace.core.inputs`` now.
"""

import pytest
from django.urls import reverse

from fulfillment.models import ReturnRequest, Shipment
from tests.fulfillment.returns_data import delivered_order
from tests.fulfillment.shipping_data import PARCEL_KWARGS, paid_order
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["\u00b2", "9" * 5000, "-1", "1.5"]


@pytest.mark.parametrize("typed", NOT_NUMBERS, ids=["superscript-two", "5000-digits", "negative", "fraction"])
def test_a_return_quantity_that_is_not_a_number_is_a_message_not_a_500(client, typed):
    order, seller_order, *_ = delivered_order(prices=("10.00",), quantities=(2,))
    client.force_login(order.user)
    line = seller_order.lines.get()

    response = client.post(
        reverse("returns:return-create", kwargs={"number": seller_order.number}),
        {f"qty-{line.pk}": typed, "reason": "changed_mind"},
    )

    assert response.status_code == 400
    assert f"{typed[:20]!r} is not a number of units." in [str(m) for m in response.context["messages"]]
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize("typed", NOT_NUMBERS, ids=["superscript-two", "5000-digits", "negative", "fraction"])
def test_a_parcel_number_that_is_not_a_number_is_a_message_not_a_500(client, typed):
    _order, seller_order, warehouse, _stocks = paid_order(quantities=(1,))
    client.force_login(SellerMemberFactory(seller=seller_order.seller).user)
    line = seller_order.lines.get()
    data = {"warehouse": warehouse.pk, "service": "ground", **{k: str(v) for k, v in PARCEL_KWARGS.items()}}

    response = client.post(
        reverse("seller:shipping-order", kwargs={"number": seller_order.number}),
        {**data, f"qty-{line.pk}": typed},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [f"{typed!r} is not a whole number."]
    assert not Shipment.objects.exists()
