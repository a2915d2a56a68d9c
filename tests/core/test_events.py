from django.contrib.sites.models import Site

from marketplace.core import events


def test_emit_calls_each_subscribed_handler_once_with_the_payload():
    received = []

    def handler(**payload):
        received.append(payload)

    events.subscribe("test.happened", handler)
    events.subscribe("test.happened", handler)
    events.emit("test.happened", thing_id=7)
    events.emit("test.other", thing_id=8)

    assert received == [{"thing_id": 7}]


def test_the_site_is_named_after_the_marketplace(db):
    site = Site.objects.get_current()
    assert (site.name, site.domain) == ("Marketplace", "127.0.0.1:8000")
