"""Forms of the apply page and Seller Central's settings and members pages.

Forms check the shape of what was typed (lengths, control characters, country
codes, postal codes); the services in sellers/services/ apply the rules.
"""

from __future__ import annotations

import re

from django import forms

from marketplace.accounts.forms import COUNTRY_CHOICES, GENERIC_POSTAL_CODE, US_POSTAL_CODE
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters, parse_text
from sellers.models import Seller, SellerAddress, SellerApplication, SellerInvitation, SellerMember
from sellers.services import AddressInput, ProfileInput

PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,28}$")
DESCRIPTION_LIMIT = 2000
WHAT_THEY_SELL_LIMIT = 2000


def _field(model, name: str):
    return model._meta.get_field(name)


class CleanTextMixin:
    """Refuse control characters in every one-line text field, and check text areas with
    ``parse_text`` (line breaks allowed there)."""

    text_areas: dict[str, int] = {}

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            label = str(self.fields[name].label or name).lower()
            if name in self.text_areas:
                try:
                    cleaned[name] = parse_text(value, name=label, limit=self.text_areas[name])
                except ApplicationError as error:
                    self.add_error(name, error.message)
            elif has_control_characters(value):
                self.add_error(name, f"The {label} contains a character that is not allowed.")
        return cleaned


class AddressForm(CleanTextMixin, forms.Form):
    """A postal address; used twice on a page, with the prefixes "business" and "return"."""

    line1 = forms.CharField(label="Address line 1", max_length=_field(SellerAddress, "line1").max_length)
    line2 = forms.CharField(
        label="Address line 2", max_length=_field(SellerAddress, "line2").max_length, required=False
    )
    city = forms.CharField(label="City", max_length=_field(SellerAddress, "city").max_length)
    region = forms.CharField(
        label="State / region", max_length=_field(SellerAddress, "region").max_length, required=False
    )
    postal_code = forms.CharField(
        label="Postal code", max_length=_field(SellerAddress, "postal_code").max_length
    )
    country = forms.ChoiceField(label="Country", choices=COUNTRY_CHOICES, initial="US")

    autocomplete = {
        "line1": "address-line1",
        "line2": "address-line2",
        "city": "address-level2",
        "region": "address-level1",
        "postal_code": "postal-code",
        "country": "country",
    }

    def __init__(self, *args, section: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name, token in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = f"{section} {token}".strip()

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        postal_code = (cleaned.get("postal_code") or "").strip().upper()
        if country and postal_code and "postal_code" not in self.errors:
            if country == "US":
                if not US_POSTAL_CODE.match(postal_code):
                    self.add_error(
                        "postal_code", "Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234."
                    )
                else:
                    digits = postal_code.replace("-", "")
                    cleaned["postal_code"] = digits if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"
            elif not GENERIC_POSTAL_CODE.match(postal_code):
                self.add_error("postal_code", "Enter a postal code of 3 to 10 letters, digits and spaces.")
            else:
                cleaned["postal_code"] = postal_code
        return cleaned

    def to_input(self) -> AddressInput:
        data = self.cleaned_data
        return AddressInput(
            line1=data["line1"],
            line2=data["line2"],
            city=data["city"],
            region=data["region"],
            postal_code=data["postal_code"],
            country=data["country"],
        )

    @classmethod
    def initial_from(cls, address: SellerAddress | None) -> dict:
        if address is None:
            return {}
        return {name: getattr(address, name) for name in cls.base_fields}


class ContactFieldsMixin(forms.Form):
    contact_name = forms.CharField(
        label="Contact name",
        max_length=_field(Seller, "contact_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text="The person the marketplace's staff talk to.",
    )
    contact_phone = forms.CharField(
        label="Contact phone",
        max_length=_field(Seller, "contact_phone").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        help_text="With the country code, e.g. +1 415 555 0100.",
    )
    support_email = forms.EmailField(
        label="Customer support e-mail",
        max_length=_field(Seller, "support_email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Buyers never see it: their messages reach it through the marketplace.",
    )
    return_same = forms.BooleanField(label="Returns go to the business address", required=False, initial=True)

    def clean_contact_phone(self):
        phone = " ".join(self.cleaned_data["contact_phone"].split())
        if not PHONE.match(phone):
            raise forms.ValidationError("Enter a phone number of digits, spaces, +, -, ( and ).")
        return phone

    def profile_input(self) -> ProfileInput:
        data = self.cleaned_data
        return ProfileInput(
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            support_email=data["support_email"],
            description=data.get("description", ""),
        )


class SellerApplicationForm(CleanTextMixin, ContactFieldsMixin):
    name = forms.CharField(
        label="Business name",
        max_length=_field(Seller, "name").max_length,
        help_text="The name buyers see on your listings.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    legal_name = forms.CharField(
        label="Legal name",
        max_length=_field(Seller, "legal_name").max_length,
        help_text="As registered, e.g. “Blade House LLC”.",
    )
    what_they_sell = forms.CharField(
        label="What you sell",
        max_length=WHAT_THEY_SELL_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your products, brands and where they come from.",
    )
    categories = forms.CharField(
        label="Main categories",
        max_length=_field(SellerApplication, "categories").max_length,
        required=False,
        help_text="Optional, e.g. “Kitchen, Garden”.",
    )
    field_order = [
        "name",
        "legal_name",
        "contact_name",
        "contact_phone",
        "support_email",
        "what_they_sell",
        "categories",
        "return_same",
    ]
    text_areas = {"what_they_sell": WHAT_THEY_SELL_LIMIT}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class SellerProfileForm(CleanTextMixin, ContactFieldsMixin):
    description = forms.CharField(
        label="Description",
        max_length=DESCRIPTION_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on your public seller page.",
    )
    field_order = ["description", "contact_name", "contact_phone", "support_email", "return_same"]
    text_areas = {"description": DESCRIPTION_LIMIT}


class ProfileFormSet:
    """A profile form (application or settings) with its business and return address forms."""

    def __init__(self, form_class, data=None, *, initial=None, business=None, returns=None):
        initial = initial or {}
        self.main = form_class(data, initial=initial)
        self.business = AddressForm(data, prefix="business", section="section-business", initial=business)
        # Optional while returns go to the business address: no "required" for the browser.
        self.returns = AddressForm(
            data, prefix="return", section="section-return", initial=returns, use_required_attribute=False
        )

    @property
    def return_same(self) -> bool:
        if self.main.is_bound:
            return bool(self.main.data.get("return_same"))
        return bool(self.main.initial.get("return_same", True))

    def is_valid(self) -> bool:
        valid = self.main.is_valid() & self.business.is_valid()
        if not self.return_same:
            valid &= self.returns.is_valid()
        return bool(valid)

    def return_input(self) -> AddressInput | None:
        return None if self.main.cleaned_data.get("return_same") else self.returns.to_input()

    def add_error(self, message: str) -> None:
        self.main.add_error(None, message)


class MemberInviteForm(CleanTextMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=_field(SellerInvitation, "email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role", choices=SellerMember.Role.choices, initial=SellerMember.Role.MANAGER
    )
