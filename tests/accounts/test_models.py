import pytest

from marketplace.accounts.models import User

pytestmark = pytest.mark.django_db


def test_create_user_normalises_the_email_and_hashes_the_password():
    user = User.objects.create_user("Someone@Example.COM", "s3cret-passphrase", full_name="Some One")

    assert user.email == "someone@example.com"
    assert user.check_password("s3cret-passphrase") is True
    assert user.password != "s3cret-passphrase"
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert str(user) == "someone@example.com"
    assert user.get_full_name() == "Some One"
    assert user.get_short_name() == "Some"


def test_create_user_without_a_password_gets_an_unusable_one():
    user = User.objects.create_user("nopass@example.com")

    assert user.has_usable_password() is False


def test_create_user_requires_an_email():
    with pytest.raises(ValueError, match="An e-mail address is required."):
        User.objects.create_user("", "pw")


def test_create_superuser_sets_the_staff_and_superuser_flags():
    user = User.objects.create_superuser("admin@example.com", "s3cret-passphrase")

    assert (user.is_staff, user.is_superuser) == (True, True)


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_create_superuser_refuses_to_drop_a_flag(flag):
    with pytest.raises(ValueError, match="A superuser must have is_staff and is_superuser set."):
        User.objects.create_superuser("admin@example.com", "pw", **{flag: False})


def test_names_fall_back_to_the_email():
    user = User(email="jo@example.com")

    assert (user.get_full_name(), user.get_short_name()) == ("jo@example.com", "jo")


def test_the_email_is_the_login_and_there_is_no_username():
    assert User.USERNAME_FIELD == "email"
    assert User.REQUIRED_FIELDS == []
    assert "username" not in {field.name for field in User._meta.get_fields()}
