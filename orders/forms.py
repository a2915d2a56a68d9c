"""Checkout forms. Amounts are never fields: the server computes every one."""

from __future__ import annotations

from django import forms

from marketplace.accounts.forms import AddressForm

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
    """Read ``ship-<seller id>`` fields from posted or query data."""
    choices = {}
    for key, value in data.items():
        if key.startswith("ship-") and key[5:].isdigit():
            choices[int(key[5:])] = str(value)[:40]
    return choices


def new_address_form(data=None) -> AddressForm:
    return AddressForm(data, prefix=NEW_ADDRESS_PREFIX)
