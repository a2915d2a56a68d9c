"""The Seller Central shell that every app's seller pages share.

Seller Central's pages live in the app that owns their data (listings in
``catalog``, stock and shipments in ``fulfillment``, orders in ``orders``,
money in ``payments``), because ``sellers`` sits below them all; they share
this module's mixin, the navigation and the onboarding checklist, and
``marketplace/urls.py`` mounts them together under ``/seller/`` in the
``seller`` namespace. Higher apps add checklist steps from their
``AppConfig.ready`` (``onboarding_step_register``) and dashboard cards
(``dashboard_card_register``), so this module never imports them.
docs/decisions/0070-seller-central.md has the reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from marketplace.accounts.mfa import mfa_required_response
from sellers.access import (
    ROLE_SECTIONS,
    Section,
    membership_current,
    role_allows,
    role_requires_mfa,
    view_as_current,
)
from sellers.models import Seller, SellerCentralAccess, SellerMember
from sellers.services.view_as import seller_central_access_view_record


@dataclass(frozen=True, slots=True)
class NavItem:
    section: str
    label: str
    url_name: str


# The side navigation, in order. An item whose page does not exist yet (its URL
# does not resolve) is left out, so apps can add pages one at a time.
NAV: tuple[NavItem, ...] = (
    NavItem(Section.DASHBOARD, "Dashboard", "seller:dashboard"),
    NavItem(Section.LISTINGS, "Listings", "seller:listing-list"),
    NavItem(Section.LISTINGS, "Import and export", "seller:import-new"),
    NavItem(Section.LISTINGS, "New products", "seller:product-list"),
    NavItem(Section.INVENTORY, "Inventory", "seller:inventory"),
    NavItem(Section.ORDERS, "Orders", "seller:order-list"),
    NavItem(Section.ORDERS, "Orders to ship", "seller:shipping-queue"),
    NavItem(Section.ORDERS, "Returns", "seller:return-list"),
    NavItem(Section.ORDERS, "Messages", "seller:message-list"),
    NavItem(Section.MONEY, "Payments", "seller:money"),
    NavItem(Section.PERFORMANCE, "Performance", "seller:performance"),
    NavItem(Section.PERFORMANCE, "Analytics", "seller:analytics"),
    NavItem(Section.PERFORMANCE, "Reviews", "seller:reviews"),
    NavItem(Section.PERFORMANCE, "Feedback", "seller:feedback"),
    NavItem(Section.MEMBERS, "Members", "seller:member-list"),
    NavItem(Section.SETTINGS, "Settings", "seller:settings"),
    NavItem(Section.SETTINGS, "API keys", "seller:api-key-list"),
)


def _nav_url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_for(*, role: str, current_path: str = "") -> list[dict]:
    """The navigation a role sees, each item with its URL; the current one is the item whose
    URL is the longest prefix of ``current_path`` (the dashboard only on its own page)."""
    dashboard = reverse("seller:dashboard")
    items = []
    for item in NAV:
        if not role_allows(role, item.section):
            continue
        url = _nav_url(item.url_name)
        if url is not None:
            items.append({"label": item.label, "url": url, "current": False})
    matches = [
        entry
        for entry in items
        if current_path == entry["url"]
        or (entry["url"] != dashboard and current_path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["current"] = True
    return items


@dataclass(frozen=True, slots=True)
class OnboardingStep:
    key: str
    label: str
    url_name: str
    done: Callable[[Seller], bool]
    order: int = 100


_STEPS: dict[str, OnboardingStep] = {}


def onboarding_step_register(step: OnboardingStep) -> None:
    """Add (or replace, by key) a step of the new seller's checklist."""
    _STEPS[step.key] = step


def onboarding_checklist(*, seller: Seller) -> list[dict]:
    """Every registered step, in order, with whether the seller has done it."""
    steps = sorted(_STEPS.values(), key=lambda step: (step.order, step.key))
    return [
        {
            "key": step.key,
            "label": step.label,
            "url": _nav_url(step.url_name),
            "done": bool(step.done(seller)),
        }
        for step in steps
    ]


@dataclass(frozen=True, slots=True)
class DashboardCard:
    """A summary on the dashboard: shown to roles that open ``section``.

    ``context(seller)`` returns what ``template`` renders (a few queries at most:
    the dashboard's budget is the sum of its cards').
    """

    key: str
    section: str
    template: str
    context: Callable[[Seller], dict]
    order: int = 100


_CARDS: dict[str, DashboardCard] = {}


def dashboard_card_register(card: DashboardCard) -> None:
    """Add (or replace, by key) a card of the dashboard."""
    _CARDS[card.key] = card


def dashboard_cards(*, seller: Seller, role: str) -> list[dict]:
    """The cards the role sees, in order, each with its template and rendered context."""
    cards = sorted(_CARDS.values(), key=lambda card: (card.order, card.key))
    return [
        {"key": card.key, "template": card.template, "context": card.context(seller)}
        for card in cards
        if role_allows(role, card.section)
    ]


# Requests that change nothing; any other method is a write, refused while staff view as a seller.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
READ_ONLY_MESSAGE = "You are viewing Seller Central as this seller, read-only: nothing was changed."


def view_as_member(access: SellerCentralAccess, user) -> SellerMember:
    """The (unsaved) membership a viewing staff member acts with: the owner's role, so every section opens."""
    return SellerMember(seller=access.seller, user=user, role=SellerMember.Role.OWNER)


def view_as_refusal(request, access: SellerCentralAccess) -> TemplateResponse:
    """The 403 page a write gets while staff view as a seller (the page says so; nothing was changed)."""
    context = {
        "seller": access.seller,
        "seller_member": view_as_member(access, request.user),
        "seller_nav": nav_for(role=SellerMember.Role.OWNER, current_path=request.path),
        "message": READ_ONLY_MESSAGE,
    }
    return TemplateResponse(request, "sellers/central/read_only.html", context, status=403)


def view_as_guard(request) -> TemplateResponse | None:
    """For /seller/ views outside the mixin (picker, apply, invitations): refuse a write while viewing."""
    if request.method in SAFE_METHODS:
        return None
    access = view_as_current(request)
    if access is None:
        return None
    _view_as_record(request, access)
    request.seller_central_view_as = access
    return view_as_refusal(request, access)


def _view_as_record(request, access: SellerCentralAccess) -> None:
    seller_central_access_view_record(access=access, path=request.get_full_path(), method=request.method)


class SellerCentralMixin(LoginRequiredMixin):
    """Only members of a seller whose role allows ``section`` get in, and staff viewing as it.

    Sets ``self.member`` and ``self.seller``. Anonymous users go to sign-in; a
    signed-in user who is not a member, or whose role does not include the
    section, gets a 404; a member of several sellers who has not chosen one
    goes to the picker.

    A staff member viewing as a seller (``/seller/view-as/<pk>/``, ADR 0079)
    comes first, even if also a member of a seller: ``self.read_only`` is
    True, the role is the owner's (every section opens), every write (any
    method but GET/HEAD/OPTIONS/TRACE) is refused with a 403 before the view
    runs, and each request appends one row to the access's audit.

    Owners and finance members, and staff viewing as a seller, without a
    second factor go to its set-up page first (``MFA_REQUIRED_FOR_PRIVILEGED``).
    """

    section: str = Section.DASHBOARD
    member: SellerMember
    seller: Seller
    read_only: bool = False
    view_as: SellerCentralAccess | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = view_as_current(request)
        if access is not None:
            return self.dispatch_view_as(access, request, *args, **kwargs)
        membership, must_choose = membership_current(request)
        if membership is None:
            if must_choose:
                return redirect(f"{reverse('seller:choose')}?next={request.get_full_path()}")
            raise Http404("You do not work for a seller.")
        if not role_allows(membership.role, self.section):
            raise Http404("No such page.")
        if role_requires_mfa(membership.role) and (response := mfa_required_response(request)):
            return response
        self.member = membership
        self.seller = membership.seller
        return super().dispatch(request, *args, **kwargs)

    def dispatch_view_as(self, access: SellerCentralAccess, request, *args, **kwargs):
        if response := mfa_required_response(request):  # staff, with the owner's view
            return response
        _view_as_record(request, access)
        request.seller_central_view_as = access
        self.view_as, self.read_only = access, True
        self.member = view_as_member(access, request.user)
        self.seller = access.seller
        if request.method not in SAFE_METHODS:
            return view_as_refusal(request, access)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seller"] = self.seller
        context["seller_member"] = self.member
        context["seller_nav"] = nav_for(role=self.member.role, current_path=self.request.path)
        return context


__all__ = [
    "READ_ONLY_MESSAGE",
    "ROLE_SECTIONS",
    "DashboardCard",
    "NavItem",
    "OnboardingStep",
    "Section",
    "SellerCentralMixin",
    "view_as_guard",
]
