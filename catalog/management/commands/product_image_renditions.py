"""Write the renditions of every product picture that lacks them (ADR 0041)."""

from django.core.management.base import BaseCommand

from catalog.images import READ_ERRORS, renditions_create
from catalog.models import ProductImage


class Command(BaseCommand):
    help = "Write the smaller renditions of every product picture; --replace rewrites existing ones."

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="Rewrite renditions that exist.")

    def handle(self, *args, replace: bool = False, **options):
        names = ProductImage.objects.order_by("image").values_list("image", flat=True).distinct()
        done = failed = 0
        for name in names.iterator(chunk_size=2000):
            try:
                renditions_create(name, replace=replace)
            except READ_ERRORS as error:
                failed += 1
                self.stderr.write(f"{name}: {error}")
            else:
                done += 1
        self.stdout.write(f"Renditions checked for {done} pictures; {failed} could not be read.")
