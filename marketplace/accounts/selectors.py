from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from marketplace.accounts.models import Address, User


def address_list(*, user: User) -> QuerySet[Address]:
    """The user's address book, default first, newest next."""
    return Address.objects.filter(user=user).order_by("-is_default", "-created_at", "-pk")


def address_get_for_user(*, user: User, pk: int) -> Address:
    """One of the user's own addresses; anyone else's is a 404."""
    return get_object_or_404(Address.objects.select_related("user"), user=user, pk=pk)
