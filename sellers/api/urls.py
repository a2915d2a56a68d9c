"""The seller API's URLs (``/api/v1/seller/``), included by marketplace/api/urls.py."""

from django.urls import path

from sellers.api import inventory, ledger, listings, orders, returns

urlpatterns = [
    path("seller/listings/", listings.ListingListApi.as_view(), name="seller-listing-list"),
    path("seller/listings/<str:pk>/", listings.ListingDetailApi.as_view(), name="seller-listing-detail"),
    path("seller/listings/<str:pk>/stock/", inventory.ListingStockApi.as_view(), name="seller-listing-stock"),
    path(
        "seller/listings/<str:pk>/stock/<str:warehouse>/",
        inventory.WarehouseStockSetApi.as_view(),
        name="seller-listing-stock-set",
    ),
    path("seller/orders/", orders.SellerOrderListApi.as_view(), name="seller-order-list"),
    path("seller/orders/<str:number>/", orders.SellerOrderDetailApi.as_view(), name="seller-order-detail"),
    path(
        "seller/orders/<str:number>/acknowledge/",
        orders.SellerOrderAcknowledgeApi.as_view(),
        name="seller-order-acknowledge",
    ),
    path(
        "seller/orders/<str:number>/shipments/",
        orders.SellerOrderShipApi.as_view(),
        name="seller-order-ship",
    ),
    path("seller/returns/", returns.SellerReturnListApi.as_view(), name="seller-return-list"),
    path(
        "seller/returns/<str:number>/", returns.SellerReturnDetailApi.as_view(), name="seller-return-detail"
    ),
    path(
        "seller/returns/<str:number>/approve/",
        returns.SellerReturnApproveApi.as_view(),
        name="seller-return-approve",
    ),
    path(
        "seller/returns/<str:number>/refuse/",
        returns.SellerReturnRefuseApi.as_view(),
        name="seller-return-refuse",
    ),
    path("seller/ledger/", ledger.SellerLedgerApi.as_view(), name="seller-ledger"),
]
