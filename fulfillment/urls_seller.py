"""Fulfillment's Seller Central pages: mounted under /seller/ by marketplace/urls.py."""

from django.urls import path

from . import views_seller

urlpatterns = [
    path("shipping/", views_seller.ShippingQueueView.as_view(), name="shipping-queue"),
    path("shipping/<str:number>/", views_seller.ShippingOrderView.as_view(), name="shipping-order"),
    path("parcels/<int:pk>/label.pdf", views_seller.ShipmentLabelView.as_view(), name="shipment-label"),
    path("parcels/<int:pk>/void/", views_seller.ShipmentVoidView.as_view(), name="shipment-void"),
    path(
        "parcels/<int:pk>/packing-slip.pdf",
        views_seller.ShipmentPackingSlipView.as_view(),
        name="shipment-packing-slip",
    ),
]
urlpatterns += [
    path("performance/", views_seller.SellerPerformanceView.as_view(), name="performance"),
]

# Returns (fulfillment/views_returns.py).
from . import views_returns  # noqa: E402

urlpatterns += [
    path("returns/", views_returns.SellerReturnListView.as_view(), name="return-list"),
    path("returns/<str:number>/", views_returns.SellerReturnView.as_view(), name="return-detail"),
    path(
        "returns/<str:number>/label.pdf", views_returns.SellerReturnLabelView.as_view(), name="return-label"
    ),
]

# Inventory, warehouses, shipping settings and the return policy (fulfillment/seller_central/).
from .seller_central import inventory, seller_settings, warehouses  # noqa: E402

urlpatterns += [
    path("inventory/", inventory.InventoryView.as_view(), name="inventory"),
    path("inventory/history/", inventory.InventoryHistoryView.as_view(), name="inventory-history"),
    path(
        "inventory/<int:offer>/warehouses/<int:warehouse>/stock/",
        inventory.StockSetView.as_view(),
        name="stock-set",
    ),
    path("inventory/<int:offer>/threshold/", inventory.StockThresholdView.as_view(), name="stock-threshold"),
    path("warehouses/", warehouses.WarehouseListView.as_view(), name="warehouse-list"),
    path("warehouses/add/", warehouses.WarehouseFormView.as_view(), name="warehouse-add"),
    path("warehouses/<int:pk>/", warehouses.WarehouseFormView.as_view(), name="warehouse-edit"),
    path("settings/shipping/", seller_settings.ShippingSettingsView.as_view(), name="shipping-settings"),
    path("settings/returns/", seller_settings.ReturnPolicyView.as_view(), name="return-policy"),
]

# Bulk import and export of offers (fulfillment/seller_central/imports.py).
from .seller_central import imports  # noqa: E402

urlpatterns += [
    path("listings/export.csv", imports.ListingExportView.as_view(file_format="csv"), name="listing-export"),
    path(
        "listings/export.xlsx",
        imports.ListingExportView.as_view(file_format="xlsx"),
        name="listing-export-xlsx",
    ),
    path("listings/import/", imports.ImportNewView.as_view(), name="import-new"),
    path("listings/import/<int:pk>/", imports.ImportDetailView.as_view(), name="import-detail"),
    path("listings/import/<int:pk>/results.csv", imports.ImportResultsView.as_view(), name="import-results"),
]
