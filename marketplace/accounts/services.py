from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from marketplace.accounts.models import Address, User

ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def email_send(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    alternatives: list | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a rendered e-mail with optional HTML (or other) alternatives."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or None
    )
    for content, mimetype in alternatives or []:
        message.attach_alternative(content, mimetype)
    message.send()


def _user_lock(*, user: User) -> None:
    """Serialise address-book writes of one user (the default flag is switched in two steps)."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()


def _address_unset_default(*, user: User, keep_id: int | None = None) -> None:
    Address.objects.filter(user=user, is_default=True).exclude(pk=keep_id).update(is_default=False)


@transaction.atomic
def address_create(
    *,
    user: User,
    full_name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str = "",
    region: str = "",
    phone: str = "",
    is_default: bool = False,
) -> Address:
    """Add an address to the user's book; the first address, or one marked default, becomes the default."""
    _user_lock(user=user)
    if not Address.objects.filter(user=user).exists():
        is_default = True
    if is_default:
        _address_unset_default(user=user)
    return Address.objects.create(
        user=user,
        full_name=full_name,
        line1=line1,
        line2=line2,
        city=city,
        region=region,
        postal_code=postal_code,
        country=country,
        phone=phone,
        is_default=is_default,
    )


@transaction.atomic
def address_update(*, address: Address, is_default: bool | None = None, **fields) -> Address:
    """Change an address; making it the default unsets the user's previous default.

    An address stays the default until another one takes over: un-ticking it alone changes nothing.
    """
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise TypeError(f"address_update() got unexpected fields: {', '.join(sorted(unknown))}")
    _user_lock(user=address.user)
    for name, value in fields.items():
        setattr(address, name, value)
    update_fields = list(fields)
    if is_default and not address.is_default:
        _address_unset_default(user=address.user, keep_id=address.pk)
        address.is_default = True
        update_fields.append("is_default")
    if update_fields:
        address.save(update_fields=update_fields)
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; if it was the default, the most recently added remaining one takes over."""
    user = address.user
    _user_lock(user=user)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user=user).order_by("-created_at", "-pk").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
