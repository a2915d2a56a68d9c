"""A valid application, as the apply form posts it, and as the service takes it."""

from sellers.services import AddressInput, ProfileInput, seller_application_submit

ADDRESS = {
    "line1": "1 Market Street",
    "line2": "Suite 4",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94103",
    "country": "US",
}


def application_post(**overrides) -> dict:
    """The apply form's POST data, returns going to the business address unless overridden."""
    data = {
        "name": "Blade House",
        "legal_name": "Blade House LLC",
        "contact_name": "Ada Blade",
        "contact_phone": "+1 415 555 0100",
        "support_email": "help@bladehouse.example",
        "what_they_sell": "Kitchen knives\nand sharpeners.",
        "categories": "Kitchen",
        "return_same": "on",
        **{f"business-{key}": value for key, value in ADDRESS.items()},
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def application_submit(user, *, name="Blade House", **overrides):
    """Apply through the service with valid data."""
    arguments = {
        "applicant": user,
        "name": name,
        "legal_name": f"{name} LLC",
        "profile": ProfileInput(
            contact_name="Ada Blade", contact_phone="+1 415 555 0100", support_email="help@example.com"
        ),
        "business_address": AddressInput(
            line1="1 Market Street", city="Portland", postal_code="97201", country="US"
        ),
        "return_address": None,
        "what_they_sell": "Knives.",
        **overrides,
    }
    return seller_application_submit(**arguments)
