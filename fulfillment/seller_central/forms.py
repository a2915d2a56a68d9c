"""Forms of the inventory, warehouse and settings pages: every number through ``marketplace.core.inputs``."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from fulfillment.inventory.history import Cause
from fulfillment.inventory.services import MAX_ON_HAND, MAX_THRESHOLD, WarehouseData, return_window_bounds
from fulfillment.models import ReturnPolicy, validate_timezone
from marketplace.accounts.forms import COUNTRY_CHOICES
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters, parse_id, parse_int

SEARCH_MAX_LENGTH = 100


def whole_number(raw, *, name: str, minimum: int, maximum: int) -> int:
    """A whole number typed in a form, or an ApplicationError naming the field and its range."""
    typed = (raw or "").strip() if isinstance(raw, str) or raw is None else raw
    bounds = f"from {minimum:,} to {maximum:,}"
    if typed == "":
        invalid = f"Enter the {name}: a whole number {bounds}."
    else:
        shown = typed[:20] if isinstance(typed, str) else typed
        invalid = f"{shown!r} is not a whole number: the {name} must be {bounds}."
    out_of_range = f"The {name} must be {bounds}."
    return parse_int(
        typed,
        minimum=minimum,
        maximum=maximum,
        invalid=invalid,
        too_small=out_of_range,
        too_large=out_of_range,
    )


def parse_on_hand(raw) -> int:
    return whole_number(raw, name="quantity on hand", minimum=0, maximum=MAX_ON_HAND)


def parse_threshold(raw) -> int | None:
    """The low-stock threshold typed, or None for an empty box (no alert)."""
    if isinstance(raw, str) and not raw.strip():
        return None
    return whole_number(raw, name="low-stock threshold", minimum=0, maximum=MAX_THRESHOLD)


def search_text(raw) -> str:
    text = (raw or "").strip()[:SEARCH_MAX_LENGTH]
    if has_control_characters(text):
        raise ApplicationError("The search cannot contain control characters.")
    return text


def optional_id(raw, *, message: str) -> int | None:
    if raw in (None, ""):
        return None
    return parse_id(raw, message=message)


class WholeNumberField(forms.CharField):
    """A whole number in a range, parsed by ``marketplace.core.inputs`` (never int() on raw text)."""

    def __init__(self, *, minimum: int, maximum: int, name: str, **kwargs):
        self.minimum, self.maximum, self.number_name = minimum, maximum, name
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(max_length=40, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return whole_number(value, name=self.number_name, minimum=self.minimum, maximum=self.maximum)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


class WarehouseForm(forms.Form):
    name = forms.CharField(max_length=120)
    line1 = forms.CharField(label="Street address", max_length=200, required=False)
    city = forms.CharField(max_length=100)
    region = forms.CharField(label="State or region", max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    country = forms.ChoiceField(choices=COUNTRY_CHOICES, initial="US")
    timezone = forms.CharField(
        max_length=64, initial="America/New_York", help_text="An IANA name such as America/New_York."
    )
    cutoff_hour = WholeNumberField(
        label="Cut-off hour",
        minimum=0,
        maximum=23,
        name="cut-off hour",
        initial=14,
        help_text="Orders placed at or after this local hour are handled from the next business day (0-23).",
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=Decimal(-90), max_value=Decimal(90), help_text="-90 to 90."
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        help_text="-180 to 180.",
    )
    is_active = forms.BooleanField(label="Active (ships orders)", required=False, initial=True)

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        validate_timezone(value)
        return value

    def data_object(self) -> WarehouseData:
        return WarehouseData(**self.cleaned_data)

    @classmethod
    def initial_for(cls, warehouse) -> dict:
        return {name: getattr(warehouse, name) for name in cls.base_fields}


class ShippingSettingsForm(forms.Form):
    handling_days = WholeNumberField(
        label="Handling time (business days)",
        minimum=0,
        maximum=30,
        name="handling time",
        help_text="From the order to the hand-over to the carrier: 0 to 30 business days.",
    )


class ReturnPolicyForm(forms.Form):
    window_days = WholeNumberField(
        label="Return window (days after delivery)", minimum=0, maximum=365, name="return window"
    )
    shipping_refund = forms.ChoiceField(
        label="Refund the shipping", choices=ReturnPolicy.ShippingRefund.choices, widget=forms.RadioSelect
    )
    review_every_return = forms.BooleanField(
        label="Review every return (no automatic approval)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = return_window_bounds()
        field = self.fields["window_days"]
        field.minimum, field.maximum = low, high
        field.help_text = (
            f"{low} to {high} days; 0 means you take no returns." if low == 0 else f"{low} to {high} days."
        )


HISTORY_CAUSES = Cause.choices
