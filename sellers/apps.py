from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "sellers"
    verbose_name = "Sellers"

    def ready(self):
        from marketplace.accounts.privacy.registry import privacy_register
        from sellers import privacy

        privacy_register(privacy.SECTION)  # what sellers holds about a person (GDPR, ADR 0089)
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from sellers.handlers import member_flag_set, view_as_end

        user_logged_in.connect(member_flag_set, dispatch_uid="sellers.member_flag_set")
        user_logged_out.connect(view_as_end, dispatch_uid="sellers.view_as_end")
