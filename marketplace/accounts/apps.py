from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from marketplace.accounts.privacy import accounts_section, tasks  # noqa: F401  (tasks: registers)
        from marketplace.accounts.privacy.registry import privacy_register

        privacy_register(accounts_section.SECTION)
