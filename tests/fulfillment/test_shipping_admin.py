import pytest
from django.urls import reverse

from fulfillment.models import Holiday, ShippingMethod, ShippingRate, ShippingZone
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_shipping_admin_pages_load_for_staff(staff_client):
    # the defaults seeded by the fulfillment data migration
    zone = ShippingZone.objects.get(name="Domestic US")
    method = ShippingMethod.objects.get(code="standard")
    rate = ShippingRate.objects.get(zone=zone, method=method)
    holiday = Holiday.objects.filter(country="US").first()
    pages = [
        reverse("admin:fulfillment_shippingzone_changelist"),
        reverse("admin:fulfillment_shippingzone_add"),
        reverse("admin:fulfillment_shippingzone_change", args=[zone.pk]),
        reverse("admin:fulfillment_shippingmethod_changelist"),
        reverse("admin:fulfillment_shippingmethod_change", args=[method.pk]),
        reverse("admin:fulfillment_shippingrate_changelist"),
        reverse("admin:fulfillment_shippingrate_add"),
        reverse("admin:fulfillment_shippingrate_change", args=[rate.pk]),
        reverse("admin:fulfillment_holiday_changelist"),
        reverse("admin:fulfillment_holiday_add"),
        reverse("admin:fulfillment_holiday_change", args=[holiday.pk]),
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url


def test_zone_changelist_shows_countries_and_regions(staff_client):
    ShippingZone.objects.create(name="Alaska & Hawaii", countries=["US"], regions=["AK", "HI"])
    content = staff_client.get(reverse("admin:fulfillment_shippingzone_changelist")).content.decode()
    assert '<td class="field-country_list">CA, MX</td>' in content
    assert '<td class="field-region_list">AK, HI</td>' in content


def test_zone_is_created_with_its_countries(staff_client):
    response = staff_client.post(
        reverse("admin:fulfillment_shippingzone_add"),
        {
            "name": "Latin America",
            "countries": "BR,AR,CL",
            "regions": "",
            "position": 50,
            "rates-TOTAL_FORMS": 0,
            "rates-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert ShippingZone.objects.values_list("countries", "regions").get(name="Latin America") == (
        ["BR", "AR", "CL"],
        [],
    )


def test_warehouse_form_refuses_an_unknown_time_zone(staff_client):
    response = staff_client.post(
        reverse("admin:fulfillment_warehouse_add"),
        {
            "name": "Bad clock",
            "code": "bad-clock",
            "city": "Reno",
            "country": "US",
            "latitude": "39.5",
            "longitude": "-119.8",
            "is_active": "on",
            "timezone": "Mars/Olympus_Mons",
            "cutoff_hour": 14,
            "same_day_radius_km": 0,
        },
    )
    assert response.context["adminform"].form.errors == {
        "timezone": ["'Mars/Olympus_Mons' is not an IANA time zone name, e.g. America/New_York."]
    }
