"""Failed sign-ins in the browser: after five wrong passwords from one network the sign-in page
answers "Too many attempts" (HTTP 429), and the owner still gets in with a code by e-mail.

The limits are the base settings' (5 failures a minute per address; ADR 0088). Runs at phone and
desktop widths; every step is screenshotted and audited with axe-core (conftest.py). The one 429
is the only failed response, and the Content-Security-Policy refuses nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.accounts.security import verify_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)


def test_wrong_passwords_are_refused_for_a_while_and_a_code_by_e_mail_still_signs_in(
    live_server, page, screenshot, page_problems
):
    owner = verify_email(UserFactory(email="grace@example.com", full_name="Grace Hopper"))
    page.goto(f"{live_server.url}/accounts/login/")

    for attempt in range(5):
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        page.get_by_label("Email").fill(owner.email)
        page.get_by_label("Password").fill(f"not-my-password-{attempt}")
        page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_text(re.compile("not correct", re.IGNORECASE))).to_be_visible()
    screenshot("wrong-password")

    page.get_by_label("Password").fill("one-more-guess")
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    screenshot("too-many-attempts")

    page.get_by_role("link", name="E-mail me a sign-in code").click()
    page.get_by_label("Email").fill(owner.email)
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page.get_by_label(re.compile("code", re.IGNORECASE))).to_be_visible()
    screenshot("enter-code")
    code = LOGIN_CODE.search(mail.outbox[-1].body).group(1)
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(code)
    page.get_by_role("main").get_by_role("button").first.click()
    expect(
        page.get_by_role("link", name=re.compile("Sign out|Your account", re.IGNORECASE)).first
    ).to_be_visible()
    screenshot("signed-in-by-code")

    assert [problem for problem in page_problems if " 429 " not in problem] == []
    assert len([problem for problem in page_problems if " 429 " in problem]) == 1
