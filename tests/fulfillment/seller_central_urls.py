"""Arguments for fulfillment's Seller Central URLs (tests/sellers/central_data.py explains)."""

URL_KWARGS = {
    "shipping-queue": lambda world: {},
    "shipping-order": lambda world: {"number": world["seller_order"].number},
    "shipment-label": lambda world: {"pk": world["shipment"].pk},
    "shipment-void": lambda world: {"pk": world["shipment"].pk},
    "shipment-packing-slip": lambda world: {"pk": world["shipment"].pk},
    "performance": lambda world: {},
    "return-list": lambda world: {},
    "return-detail": lambda world: {"number": world["return"].number},
    "return-label": lambda world: {"number": world["return"].number},
    "inventory": lambda world: {},
    "inventory-history": lambda world: {},
    "stock-set": lambda world: {"offer": world["offers"][0].pk, "warehouse": world["warehouse"].pk},
    "stock-threshold": lambda world: {"offer": world["offers"][0].pk},
    "warehouse-list": lambda world: {},
    "warehouse-add": lambda world: {},
    "warehouse-edit": lambda world: {"pk": world["warehouse"].pk},
    "shipping-settings": lambda world: {},
    "return-policy": lambda world: {},
    "listing-export": lambda world: {},
    "listing-export-xlsx": lambda world: {},
    "import-new": lambda world: {},
    "import-detail": lambda world: {"pk": world["import_job"].pk},
    "import-results": lambda world: {"pk": world["import_job"].pk},
}


def world_extend(world: dict) -> None:
    """Fulfillment's pages use the base world's order, parcel, return, warehouse and offers; the
    import pages a finished import of the world's seller with one row."""
    from fulfillment.models import ImportJob, ImportRow

    job = ImportJob.objects.create(
        seller=world["seller"],
        created_by=world["owner"],
        filename="listings.csv",
        file_format=ImportJob.Format.CSV,
        content=b"sku\r\n",
        status=ImportJob.Status.DONE,
        total_rows=1,
        processed_rows=1,
        unchanged_count=1,
    )
    ImportRow.objects.create(job=job, row_number=2, sku=world["offers"][0].sku, outcome="unchanged")
    world["import_job"] = job
