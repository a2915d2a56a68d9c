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
from django.urls import NoReverseMatch, reverse

from sellers.access import ROLE_SECTIONS, Section, membership_current, role_allows
from sellers.models import Seller, SellerMember


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
    NavItem(Section.INVENTORY, "Inventory", "seller:inventory"),
    NavItem(Section.ORDERS, "Orders", "seller:order-list"),
    NavItem(Section.ORDERS, "Orders to ship", "seller:shipping-queue"),
    NavItem(Section.ORDERS, "Returns", "seller:return-list"),
    NavItem(Section.ORDERS, "Messages", "seller:message-list"),
    NavItem(Section.MONEY, "Payments", "seller:money"),
    NavItem(Section.PERFORMANCE, "Performance", "seller:performance"),
    NavItem(Section.MEMBERS, "Members", "seller:member-list"),
    NavItem(Section.SETTINGS, "Settings", "seller:settings"),
)


def _nav_url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_for(*, role: str, current_path: str = "") -> list[dict]:
    """The navigation a role sees, each item with its URL and whether it is the current page."""
    items = []
    for item in NAV:
        if not role_allows(role, item.section):
            continue
        url = _nav_url(item.url_name)
        if url is None:
            continue
        current = current_path == url or (url != reverse("seller:dashboard") and current_path.startswith(url))
        items.append({"label": item.label, "url": url, "current": current})
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


class SellerCentralMixin(LoginRequiredMixin):
    """Only members of a seller whose role allows ``section`` get in.

    Sets ``self.member`` and ``self.seller``. Anonymous users go to sign-in; a
    signed-in user who is not a member, or whose role does not include the
    section, gets a 404; a member of several sellers who has not chosen one
    goes to the picker.
    """

    section: str = Section.DASHBOARD
    member: SellerMember
    seller: Seller

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        membership, must_choose = membership_current(request)
        if membership is None:
            if must_choose:
                return redirect(f"{reverse('seller:choose')}?next={request.get_full_path()}")
            raise Http404("You do not work for a seller.")
        if not role_allows(membership.role, self.section):
            raise Http404("No such page.")
        self.member = membership
        self.seller = membership.seller
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seller"] = self.seller
        context["seller_member"] = self.member
        context["seller_nav"] = nav_for(role=self.member.role, current_path=self.request.path)
        return context


__all__ = ["ROLE_SECTIONS", "DashboardCard", "NavItem", "OnboardingStep", "Section", "SellerCentralMixin"]
