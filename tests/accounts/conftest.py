import pytest
from allauth.account.models import EmailAddress

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture
def verified_user(db):
    """A user whose e-mail address is confirmed, so allauth lets them sign in."""
    user = UserFactory(email="shopper@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def password():
    return DEFAULT_PASSWORD
