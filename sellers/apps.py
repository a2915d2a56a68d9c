from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "sellers"
    verbose_name = "Sellers"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from sellers.handlers import member_flag_set

        user_logged_in.connect(member_flag_set, dispatch_uid="sellers.member_flag_set")
