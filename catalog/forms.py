"""Forms that parse storefront query strings.

They never reject a request: a value that does not parse is dropped, and the
page says so when the shopper would otherwise be puzzled.
"""

from __future__ import annotations

from django import forms

from catalog.selectors import SORT_FEATURED, ProductFilters

SORT_CHOICES = [
    (SORT_FEATURED, "Featured"),
    ("price_asc", "Price: low to high"),
    ("price_desc", "Price: high to low"),
    ("rating", "Average customer rating"),
    ("newest", "Newest arrivals"),
]
RATING_CHOICES = [("", "Any rating"), ("4", "4 stars & up"), ("3", "3 stars & up"), ("2", "2 stars & up")]


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """A multiple choice that keeps the known values and drops the rest."""

    def clean(self, value):
        values = self.to_python(value)
        return [v for v in dict.fromkeys(values) if self.valid_value(v)]


class ProductFilterForm(forms.Form):
    """The sort and filters of a product list, read from the query string."""

    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    brand = LenientMultipleChoiceField(label="Brand", required=False, widget=forms.CheckboxSelectMultiple)
    price_min = forms.DecimalField(
        label="Min price", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_max = forms.DecimalField(
        label="Max price", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    rating = forms.TypedChoiceField(
        label="Customer rating", choices=RATING_CHOICES, coerce=int, required=False, empty_value=None
    )

    def __init__(self, data=None, *, brand_slugs=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["brand"].choices = [(slug, slug) for slug in brand_slugs]

    @property
    def notices(self) -> list[str]:
        """Say which filters were ignored because they did not parse."""
        if not self.is_bound or self.is_valid():
            return []
        notices = []
        if "price_min" in self.errors or "price_max" in self.errors:
            notices.append("We ignored the price filter: enter prices as positive numbers, like 25 or 9.99.")
        if "rating" in self.errors:
            notices.append("We ignored the rating filter because it was not one of the choices.")
        return notices

    def filters(self) -> ProductFilters:
        """Return the valid filters; anything that did not parse is left out."""
        self.is_valid()
        data = self.cleaned_data
        price_min, price_max = data.get("price_min"), data.get("price_max")
        if price_min is not None and price_max is not None and price_min > price_max:
            price_min, price_max = price_max, price_min
        return ProductFilters(
            sort=data.get("sort") or SORT_FEATURED,
            brands=tuple(data.get("brand") or ()),
            price_min=price_min,
            price_max=price_max,
            rating_min=data.get("rating"),
        )
