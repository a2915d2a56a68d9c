import re

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from marketplace.accounts.models import Address, User

# The countries the marketplace ships to (ISO 3166-1 alpha-2).
COUNTRY_CHOICES = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("MX", "Mexico"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("NL", "Netherlands"),
    ("BE", "Belgium"),
    ("AT", "Austria"),
    ("CH", "Switzerland"),
    ("SE", "Sweden"),
    ("DK", "Denmark"),
    ("NO", "Norway"),
    ("PL", "Poland"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("JP", "Japan"),
]

US_POSTAL_CODE = re.compile(r"^\d{5}(-?\d{4})?$")
GENERIC_POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$")


class AddressForm(forms.ModelForm):
    country = forms.ChoiceField(choices=COUNTRY_CHOICES, initial="US")

    class Meta:
        model = Address
        fields = [
            "full_name",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
            "is_default",
        ]
        labels = {"is_default": "Use as my default address", "full_name": "Full name"}
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        postal_code = (cleaned.get("postal_code") or "").strip().upper()
        if country and postal_code:
            if country == "US":
                if not US_POSTAL_CODE.match(postal_code):
                    self.add_error(
                        "postal_code", "Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234."
                    )
                else:
                    digits = postal_code.replace("-", "")
                    postal_code = digits if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"
            elif not GENERIC_POSTAL_CODE.match(postal_code):
                self.add_error(
                    "postal_code", "Enter a valid postal code (3 to 10 letters, digits, spaces or dashes)."
                )
            cleaned["postal_code"] = postal_code
        return cleaned


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
