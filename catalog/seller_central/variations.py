"""The variation part of the new-product form: what the variations differ by, and a table with
one row per variation (its values, SKU, offer and optional GTIN), as a Django formset (ADR 0095).

Without JavaScript the table has ``ROWS_DEFAULT`` empty rows, or ``?rows=N`` (at most
``VARIATIONS_MAX``); rows left as they were are ignored. ``product-variations.js`` adds rows
in place.
"""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory

from catalog.models import Offer
from catalog.seller_central.forms import OfferCreateForm
from catalog.submissions import VARIATIONS_MAX, VariationOffer
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_int

ROWS_DEFAULT = 6
ROWS_STEP = 6
PREFIX = "variations"
# A row is ignored (left empty) while none of these is typed in.
FILLED_WHEN_TYPED = ("value_1", "value_2", "sku", "condition_note", "price", "gtin")
# Names offered in the variation name fields (a seller may type any other).
DIMENSION_SUGGESTIONS = ["Size", "Colour", "Style", "Material", "Pattern", "Capacity", "Length", "Scent"]


class VariationThemeForm(forms.Form):
    """Whether the product comes in variations, and the one or two names they differ by."""

    has_variations = forms.BooleanField(label="This product comes in variations", required=False)
    dimension_1 = forms.CharField(label="Variations differ by", max_length=30, required=False)
    dimension_2 = forms.CharField(label="And by (optional)", max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("dimension_1", "dimension_2"):
            self.fields[name].error_messages["max_length"] = "A variation name is at most 30 characters."

    def clean(self):
        data = super().clean()
        if data.get("has_variations") and not (data.get("dimension_1") or "").strip():
            self.add_error("dimension_1", "Say what the variations differ by, like Size.")
        return data

    def dimensions(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in ("dimension_1", "dimension_2")]


class VariationRowForm(OfferCreateForm):
    """One variation: its values, then its offer (OfferCreateForm's fields) and optional GTIN."""

    value_1 = forms.CharField(label="Value", max_length=60, required=False)
    value_2 = forms.CharField(label="Second value", max_length=60, required=False)
    gtin = forms.CharField(label="GTIN", max_length=20, required=False)

    field_order = [
        "value_1",
        "value_2",
        "sku",
        "condition",
        "condition_note",
        "price",
        "shipping",
        "handling_days",
        "gtin",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Field initials (not form initials): what an empty row starts with.
        self.fields["condition"].initial = Offer.Condition.NEW
        self.fields["shipping"].initial = "0.00"
        self.fields["handling_days"].initial = "2"
        self.fields["value_1"].error_messages["max_length"] = "A value is at most 60 characters."
        self.fields["value_2"].error_messages["max_length"] = "A value is at most 60 characters."

    def has_changed(self) -> bool:
        """Whether the seller filled the row in: any value, SKU, price, note or GTIN typed."""
        return any(isinstance(self[name].data, str) and self[name].data.strip() for name in FILLED_WHEN_TYPED)

    def offer(self, row: int) -> VariationOffer:
        data = self.cleaned_data
        return VariationOffer(
            row=row,
            values=(data["value_1"], data["value_2"]),
            sku=data["sku"],
            condition=data["condition"],
            condition_note=data["condition_note"],
            price=data["price"],
            shipping=data["shipping"],
            handling_days=data["handling_days"],
            gtin=data["gtin"],
        )


class BaseVariationFormSet(BaseFormSet):
    default_error_messages = {
        **BaseFormSet.default_error_messages,
        "too_many_forms": f"Give at most {VARIATIONS_MAX} variations.",
        "missing_management_form": "The variation table was not sent whole: load the page again.",
    }

    def filled(self) -> list[tuple[int, VariationRowForm]]:
        """The rows the seller filled in, with their number on the form (from 1)."""
        return [(index, form) for index, form in enumerate(self.forms, start=1) if form.has_changed()]

    def offers(self) -> list[VariationOffer]:
        return [form.offer(row) for row, form in self.filled()]


def variation_formset(*, data=None, rows: int = ROWS_DEFAULT) -> BaseVariationFormSet:
    """The variation table, bound to ``data`` or with ``rows`` empty rows."""
    formset_class = formset_factory(
        VariationRowForm,
        formset=BaseVariationFormSet,
        extra=rows,
        max_num=VARIATIONS_MAX,
        absolute_max=VARIATIONS_MAX,
        validate_max=True,
    )
    return formset_class(data, prefix=PREFIX)


def rows_requested(raw) -> int:
    """The number of empty rows asked for with ``?rows=``, kept from the default to the maximum."""
    try:
        rows = parse_int(raw, minimum=0, invalid="", too_small="", too_large="too large")
    except ApplicationError as error:
        return VARIATIONS_MAX if error.message == "too large" else ROWS_DEFAULT
    return min(max(rows, ROWS_DEFAULT), VARIATIONS_MAX)
