import re

from django import forms

_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")


class CardForm(forms.Form):
    """The card form of the sandbox (Stripe's Payment Element replaces it).

    Only the format is checked here; the provider checks the card itself
    (Luhn, expiry, CVC) and its messages are shown on the matching field.
    """

    attempt = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(
        label="Name on card", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "cc-name"})
    )
    number = forms.CharField(
        label="Card number",
        max_length=23,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "placeholder": "1234 1234 1234 1234"}
        ),
    )
    expiry = forms.CharField(
        label="Expiry (MM/YY)",
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    cvc = forms.CharField(
        label="Security code (CVC)",
        max_length=4,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-csc", "inputmode": "numeric", "placeholder": "123"}
        ),
    )

    billing_country = forms.CharField(
        label="Billing country (optional)",
        required=False,
        min_length=2,
        max_length=2,
        help_text="The two-letter country of the card's billing address, e.g. US.",
        widget=forms.TextInput(attrs={"autocomplete": "billing country", "placeholder": "US"}),
    )

    # Which field a provider's error code belongs to.
    ERROR_FIELDS = {
        "incorrect_number": "number",
        "invalid_number": "number",
        "expired_card": "expiry",
        "invalid_expiry_month": "expiry",
        "invalid_expiry_year": "expiry",
        "invalid_cvc": "cvc",
        "incorrect_cvc": "cvc",
    }

    def clean_expiry(self):
        match = _EXPIRY.match(self.cleaned_data["expiry"])
        if not match:
            raise forms.ValidationError("Enter the expiry date as MM/YY.")
        return match.group(1), match.group(2)

    def clean_billing_country(self):
        country = self.cleaned_data["billing_country"].strip().upper()
        if country and not country.isalpha():
            raise forms.ValidationError("Enter the two-letter country code, e.g. US.")
        return country

    def payment_method(self) -> dict:
        month, year = self.cleaned_data["expiry"]
        return {
            "number": self.cleaned_data["number"],
            "exp_month": month,
            "exp_year": year,
            "cvc": self.cleaned_data["cvc"],
            "name": self.cleaned_data["name"],
        }

    def add_provider_error(self, code: str, message: str) -> None:
        self.add_error(self.ERROR_FIELDS.get(code), message)
