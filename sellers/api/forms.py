"""The form of Seller Central's keys page: a key's name, scopes and lifetime."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from sellers.api_keys import NAME_MAX_LENGTH, Scope, scopes_for_role

# (days or "", label): how long a new key lasts.
LIFETIMES = (("", "Never expires"), ("30", "30 days"), ("90", "90 days"), ("365", "1 year"))


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        help_text="Which system uses it, e.g. “Warehouse sync”. Only you see it.",
    )
    scopes = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope."},
    )
    lifetime = forms.ChoiceField(choices=LIFETIMES, required=False, label="Expires")

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(scopes_for_role(role))
        self.fields["scopes"].choices = [(value, label) for value, label in Scope.choices if value in allowed]

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("lifetime")
        return timezone.now() + timedelta(days=int(days)) if days else None
