"""Writes to sellers: keyword-only, one transaction each.

- ``standing``: the status machine (approve, suspend, reinstate);
- ``applications``: applying to sell and staff's decision;
- ``profile``: the business profile and addresses;
- ``members``: invitations, roles and removal;
- ``view_as``: staff viewing Seller Central as a seller (audited, read-only).
"""

from sellers.services.applications import (
    seller_application_approve,
    seller_application_reject,
    seller_application_submit,
)
from sellers.services.members import (
    INVITATION_LIFETIME,
    invitation_is_for,
    invitation_refusal,
    invitation_token_hash,
    seller_invitation_accept,
    seller_invitation_create,
    seller_invitation_revoke,
    seller_member_remove,
    seller_member_role_change,
)
from sellers.services.profile import AddressInput, ProfileInput, seller_profile_update
from sellers.services.standing import (
    TRANSITIONS,
    seller_approve,
    seller_lock,
    seller_reinstate,
    seller_suspend,
    seller_transition,
)
from sellers.services.view_as import (
    seller_central_access_start,
    seller_central_access_stop,
    seller_central_access_view_record,
    view_as_reason_parse,
)

__all__ = [
    "INVITATION_LIFETIME",
    "TRANSITIONS",
    "AddressInput",
    "ProfileInput",
    "invitation_is_for",
    "invitation_refusal",
    "invitation_token_hash",
    "seller_application_approve",
    "seller_application_reject",
    "seller_application_submit",
    "seller_central_access_start",
    "seller_central_access_stop",
    "seller_central_access_view_record",
    "seller_approve",
    "seller_invitation_accept",
    "seller_invitation_create",
    "seller_invitation_revoke",
    "seller_lock",
    "seller_member_remove",
    "seller_member_role_change",
    "seller_profile_update",
    "seller_reinstate",
    "seller_suspend",
    "seller_transition",
    "view_as_reason_parse",
]
