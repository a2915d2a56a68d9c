"""Members and invitations: the owner's members page, and the invitation link anyone may open.

Every action is a POST that works without JavaScript (a redirect to the
members page with a message, or the page again with the form's errors and
HTTP 400) and with htmx (the members area re-rendered in place, with its
message). Another seller's member or invitation is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.base import ContextMixin

from marketplace.core.errors import ApplicationError
from sellers.access import SESSION_KEY, SESSION_MEMBER_FLAG, Section, membership_list
from sellers.central import SellerCentralMixin, view_as_guard
from sellers.forms import MemberInviteForm
from sellers.models import SellerInvitation, SellerMember
from sellers.selectors import (
    invitation_get_by_token,
    invitation_get_for_seller,
    invitation_list_waiting,
    member_get_for_seller,
    member_list,
)
from sellers.services import (
    invitation_is_for,
    invitation_refusal,
    invitation_token_hash,
    seller_invitation_accept,
    seller_invitation_create,
    seller_invitation_revoke,
    seller_member_remove,
    seller_member_role_change,
)

MEMBERS_FRAGMENT = "sellers/central/_members.html"


class MembersMixin(SellerCentralMixin, ContextMixin):
    section = Section.MEMBERS

    def members_context(self, *, form=None) -> dict:
        return {
            "seller": self.seller,
            "seller_member": self.member,
            "members": member_list(seller=self.seller),
            "invitations": invitation_list_waiting(seller=self.seller),
            "roles": SellerMember.Role.choices,
            "invite_form": form or MemberInviteForm(),
        }

    def respond(self, request, *, form=None, status: int = 200):
        """After an action: the members area for htmx, else the page (with errors) or a redirect."""
        if request.htmx:
            context = {**self.members_context(form=form), "fragment": True}
            return TemplateResponse(request, MEMBERS_FRAGMENT, context)
        if form is not None and form.errors:
            return self.render_page(request, form=form, status=status)
        return redirect(reverse("seller:member-list"))

    def render_page(self, request, *, form=None, status: int = 200):
        context = self.get_context_data(**self.members_context(form=form))
        return TemplateResponse(request, "sellers/central/members.html", context, status=status)


class MemberListView(MembersMixin, TemplateView):
    """The seller's members and waiting invitations; POST invites someone."""

    template_name = "sellers/central/members.html"

    def get(self, request, *args, **kwargs):
        if request.htmx:
            return self.respond(request)
        return self.render_page(request)

    def post(self, request, *args, **kwargs):
        form = MemberInviteForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = seller_invitation_create(
                    seller=self.seller,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email} as {invitation.get_role_display()}: "
                    "the link works for 7 days.",
                )
                return self.respond(request)
        return self.respond(request, form=form, status=400)


def _no_longer_allowed(request, *, to: str, message: str):
    """The actor left the members section (demoted or removed themselves): go elsewhere."""
    messages.success(request, message)
    request.session[SESSION_MEMBER_FLAG] = bool(membership_list(user=request.user))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = to
        return response
    return redirect(to)


class MemberActionMixin(MembersMixin):
    def target(self, pk: int) -> SellerMember:
        try:
            return member_get_for_seller(seller=self.seller, pk=pk)
        except SellerMember.DoesNotExist:
            raise Http404("No such member.") from None


class MemberRoleView(MemberActionMixin, View):
    def post(self, request, pk):
        member = self.target(pk)
        role = request.POST.get("role", "")
        try:
            changed = seller_member_role_change(
                seller=self.seller, actor=request.user, member=member, role=role
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.respond(request)
        text = f"{member.user.email} is now {changed.get_role_display().lower()}."
        if changed.user_id == request.user.pk and changed.role != SellerMember.Role.OWNER:
            return _no_longer_allowed(request, to=reverse("seller:dashboard"), message=text)
        messages.success(request, text)
        return self.respond(request)


class MemberRemoveView(MemberActionMixin, View):
    def post(self, request, pk):
        member = self.target(pk)
        try:
            seller_member_remove(seller=self.seller, actor=request.user, member=member)
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.respond(request)
        text = f"{member.user.email} no longer works for {self.seller.name}."
        if member.user_id == request.user.pk:
            request.session.pop(SESSION_KEY, None)
            return _no_longer_allowed(request, to=reverse("catalog:home"), message=text)
        messages.success(request, text)
        return self.respond(request)


class InvitationRevokeView(MembersMixin, View):
    def post(self, request, pk):
        try:
            invitation = invitation_get_for_seller(seller=self.seller, pk=pk)
        except SellerInvitation.DoesNotExist:
            raise Http404("No such invitation.") from None
        try:
            seller_invitation_revoke(seller=self.seller, actor=request.user, invitation=invitation)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The invitation of {invitation.email} is revoked.")
        return self.respond(request)


class InvitationAcceptView(View):
    """The link of an invitation e-mail: its invitee accepts it (POST) once signed in.

    Open to any signed-in user, so it names no Seller Central section. Someone
    signed in with another address gets a 404 (the page says to sign in with
    the invited address, and nothing about the seller); an unknown token is a 404.
    """

    section = None
    template_name = "sellers/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if (refusal := view_as_guard(request)) is not None:
            return refusal
        token = kwargs["token"]
        self.invitation = invitation_get_by_token(token_hash=invitation_token_hash(token))
        if self.invitation is None:
            raise Http404("No such invitation.")
        if not invitation_is_for(invitation=self.invitation, user=request.user):
            return self.render(request, wrong_account=True, status=404)
        self.refusal = invitation_refusal(invitation=self.invitation, user=request.user)
        if self.refusal:
            return self.render(request, refusal=self.refusal, status=410)
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, *, status: int = 200, **context):
        context = {"invitation": self.invitation, **context}
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request, token):
        return self.render(request)

    def post(self, request, token):
        try:
            member = seller_invitation_accept(invitation=self.invitation, user=request.user)
        except ApplicationError as error:
            return self.render(request, refusal=error.message, status=400)
        request.session[SESSION_MEMBER_FLAG] = True
        request.session[SESSION_KEY] = member.seller_id
        messages.success(
            request,
            f"Welcome to {member.seller.name}: you work for it as {member.get_role_display().lower()}.",
        )
        return redirect(reverse("seller:dashboard"))


__all__ = [
    "InvitationAcceptView",
    "InvitationRevokeView",
    "MemberListView",
    "MemberRemoveView",
    "MemberRoleView",
]
