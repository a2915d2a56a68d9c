"""What a seller types on the listing pages, parsed once with a sentence for every refusal.

Amounts are typed the way a seller writes them ("12.99", "$12.99", "12") and
become ``Decimal`` cents; anything else (letters, commas, a minus sign, a
third decimal, NUL bytes, a number past the maximum) is refused with a
sentence naming the field, never a 500. The filters of the list never
refuse: a value that does not parse is dropped.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import Offer
from catalog.seller_central.selectors import BUY_BOX, SORT_DEFAULT, SORTS, STATUSES, ListingFilters
from catalog.services import (
    CONDITIONS_WITH_NOTE,
    OFFER_AMOUNT_MAX,
    OFFER_HANDLING_DAYS_MAX,
    offer_amount_check,
)
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters, parse_int, parse_text

_AMOUNT_RE = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")
# More integer digits than this is past every maximum; never hand such a string to Decimal.
_MAX_INTEGER_DIGITS = len(str(int(OFFER_AMOUNT_MAX)))
SEARCH_MAX_LENGTH = 200


def parse_amount(raw, *, name: str, allow_zero: bool) -> Decimal:
    """Return the amount of money in ``raw`` as Decimal cents, or raise ApplicationError."""
    text = raw.strip() if isinstance(raw, str) else ""
    if text.startswith("$"):
        text = text[1:].strip()
    if not text:
        raise ApplicationError(f"Enter the {name}, like 12.99.")
    if has_control_characters(text):
        raise ApplicationError(f"The {name} contains a character that is not allowed.")
    if "," in text:
        raise ApplicationError(f"Write the {name} without commas, with a dot before the cents: 1234.50.")
    match = _AMOUNT_RE.fullmatch(text)
    if match is None or not (match.group(2) or match.group(3)):
        raise ApplicationError(f"The {name} must be a number, like 12.99.")
    sign, units, cents = match.group(1), match.group(2).lstrip("0"), (match.group(3) or "").rstrip("0")
    if sign == "-" and (units or cents):
        raise ApplicationError(f"The {name} cannot be negative.")
    if len(units) > _MAX_INTEGER_DIGITS:
        raise ApplicationError(f"The {name} must be less than {OFFER_AMOUNT_MAX:,.2f}.")
    if len(cents) > 2:
        raise ApplicationError(f"The {name} can have at most 2 decimals (cents).")
    return offer_amount_check(Decimal(f"{units or '0'}.{cents or '0'}"), name=name, allow_zero=allow_zero)


class AmountField(forms.Field):
    """A price or shipping amount; the error says what to type."""

    def __init__(self, *, name: str, allow_zero: bool, **kwargs):
        self.amount_name, self.allow_zero = name, allow_zero
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return parse_amount(value, name=self.amount_name, allow_zero=self.allow_zero)
        except ApplicationError as error:
            raise ValidationError(error.message, code="invalid") from None

    def validate(self, value):
        """``to_python`` already refused an empty amount."""


class OfferPriceForm(forms.Form):
    """The price and shipping amount of one listing, edited in its row."""

    price = AmountField(label="Price", name="price", allow_zero=False)
    shipping = AmountField(label="Shipping", name="shipping amount", allow_zero=True)


def _handling_days(raw) -> int:
    refusal = f"The handling time is a whole number of days from 0 to {OFFER_HANDLING_DAYS_MAX}."
    return parse_int(
        raw, minimum=0, maximum=OFFER_HANDLING_DAYS_MAX, invalid=refusal, too_small=refusal, too_large=refusal
    )


class OfferDetailsForm(forms.Form):
    """A listing's details that can change after it is made: SKU, condition note, handling time."""

    sku = forms.CharField(label="SKU", max_length=64, strip=True)
    condition_note = forms.CharField(label="Condition note", max_length=300, required=False, strip=True)
    handling_days = forms.CharField(label="Handling time (days)", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sku"].error_messages.update(
            required="Enter a SKU: your own code for this listing.",
            max_length="A SKU is at most 64 characters.",
        )
        self.fields["condition_note"].error_messages["max_length"] = (
            "The condition note is at most 300 characters."
        )
        self.fields["handling_days"].error_messages["required"] = "Enter the handling time in days."

    def clean_sku(self):
        sku = self.cleaned_data["sku"]
        if has_control_characters(sku):
            raise ValidationError("A SKU is one line of letters, digits or signs.")
        return sku

    def clean_condition_note(self):
        try:
            return parse_text(self.cleaned_data["condition_note"], name="condition note", limit=300)
        except ApplicationError as error:
            raise ValidationError(error.message) from None

    def clean_handling_days(self):
        try:
            return _handling_days(self.cleaned_data["handling_days"])
        except ApplicationError as error:
            raise ValidationError(error.message) from None


class OfferCreateForm(OfferDetailsForm):
    """A new offer of an existing product: SKU, condition and its note, amounts, handling time."""

    condition = forms.ChoiceField(
        label="Condition",
        choices=Offer.Condition.choices,
        error_messages={"invalid_choice": "Choose one of the conditions in the list."},
    )
    price = AmountField(label="Price", name="price", allow_zero=False)
    shipping = AmountField(label="Shipping", name="shipping amount", allow_zero=True)

    field_order = ["sku", "condition", "condition_note", "price", "shipping", "handling_days"]

    def clean(self):
        data = super().clean()
        condition = data.get("condition")
        if condition in CONDITIONS_WITH_NOTE and "condition_note" in data and not data["condition_note"]:
            label = Offer.Condition(condition).label
            self.add_error(
                "condition_note", f"Say what state the item is in: a “{label}” item needs a condition note."
            )
        return data


class ListingFilterForm(forms.Form):
    """The search, filters and sort of the listing list, read from the query string."""

    q = forms.CharField(label="Search by title or SKU", required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *STATUSES.items()]
    )
    buy_box = forms.ChoiceField(label="Buy box", required=False, choices=[("", "Any"), *BUY_BOX.items()])
    out_of_stock = forms.BooleanField(label="Out of stock only", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (label, _) in SORTS.items()]
    )

    def filters(self) -> ListingFilters:
        """The valid filters; a value that does not parse (or carries a control character) is left out."""
        self.is_valid()
        data = self.cleaned_data
        query = data.get("q") or ""
        return ListingFilters(
            query="" if has_control_characters(query) else query,
            status=data.get("status") or "",
            buy_box=data.get("buy_box") or "",
            out_of_stock=bool(data.get("out_of_stock")),
            sort=data.get("sort") or SORT_DEFAULT,
        )
