"""Seed the search synonyms and spelling variants staff start from (editable in the admin)."""

from django.db import migrations

SYNONYMS = (
    "tv, television, televisions",
    "laptop, notebook computer",
    "earbuds, earphones",
    "phone, smartphone, cell phone, mobile phone, cellphone",
    "power bank, portable charger, battery pack",
    "wifi, wi-fi, wireless internet",
    "usb c, usb-c, type c, type-c",
    "flash drive, thumb drive, usb stick, memory stick",
    "hard drive, hdd",
    "ssd, solid state drive",
    "monitor, display, computer screen",
    "mens, men's, men",
    "womens, women's, women, ladies",
    "kids, children, children's, childrens",
    "baby, infant",
    "hand shower, handshower",
    "showerhead, shower head",
    "sofa, couch",
    "fridge, refrigerator",
    "vacuum, hoover, vacuum cleaner",
    "skillet, frying pan",
    "duvet, comforter",
    "sweater, jumper, pullover",
    "trousers, pants",
    "tee, t-shirt, t shirt, tshirt",
    "sneakers, trainers",
    "bike, bicycle",
    "cookbook, recipe book",
    "organiser, organizer",
    "colour, color",
    "grey, gray",
    "aluminium, aluminum",
)


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    existing = set(SearchSynonym.objects.values_list("terms", flat=True))
    SearchSynonym.objects.bulk_create(
        SearchSynonym(terms=terms) for terms in SYNONYMS if terms not in existing
    )


def unseed(apps, schema_editor):
    apps.get_model("catalog", "SearchSynonym").objects.filter(terms__in=SYNONYMS).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_search_synonym")]

    operations = [migrations.RunPython(seed, unseed)]
