"""Checkout forms. Amounts are never fields: the server computes every one."""

from __future__ import annotations

from django import forms

from marketplace.accounts.forms import AddressForm
from marketplace.core import inputs
from marketplace.core.errors import ApplicationError

NEW_ADDRESS_PREFIX = "new"


class CheckoutForm(forms.Form):
    """The shopper's picks on the checkout page: an address and the page's key.

    The shipping method of each seller is read by the view as ``ship-<seller
    id>`` and checked against the options computed for the address; posted
    prices or totals, if any, are ignored.
    """

    address = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a delivery address.",
            "invalid_choice": "Choose a delivery address.",
        },
    )
    # The address and methods the page's amounts were computed for.
    shown = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = {address.pk: address for address in addresses}
        self.fields["address"].choices = [(pk, str(address)) for pk, address in self.addresses.items()]

    @property
    def chosen_address(self):
        return self.addresses.get(self.cleaned_data.get("address"))


def shipping_choices_from(data) -> dict[int, str]:
    """Read ``ship-<seller id>`` fields from posted or query data.

    A field whose seller id is not one (``ship-²``, 5,000 digits) is ignored, and
    a method code with a control character in it becomes "" (no choice): neither
    can name a real seller or method (``marketplace.core.inputs``).
    """
    choices = {}
    for key, value in data.items():
        if not key.startswith("ship-"):
            continue
        try:
            seller_id = inputs.parse_id(key[5:], message="No such seller.")
        except ApplicationError:
            continue
        code = str(value)[:40]
        choices[seller_id] = "" if inputs.has_control_characters(code) else code
    return choices


def new_address_form(data=None) -> AddressForm:
    return AddressForm(data, prefix=NEW_ADDRESS_PREFIX)
