from orders import admin_tax  # noqa: F401
