"""Print the demo accounts and what each can do."""

import os

from django.core.management.base import BaseCommand

from marketplace.accounts.models import User
from marketplace.demo import vocabulary as v
from marketplace.demo.generator import SELLER_PROFILES
from marketplace.demo.past_orders import SECOND_SELLER_ACCOUNT, STRUGGLING
from marketplace.demo.seed import DEMO_SELLER_INDEX
from marketplace.demo.seller_central import APPLICANT, TEAM

SITE = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"


class Command(BaseCommand):
    help = "Print the demo logins created by seed_demo."

    def handle(self, *args, **options):
        seller = SELLER_PROFILES[DEMO_SELLER_INDEX].name
        self.stdout.write(f"Storefront: {SITE}/    Admin: {SITE}/admin/")
        self.stdout.write(f"Every demo account's password is: {v.DEMO_PASSWORD}")
        accounts = [(*v.DEMO_ACCOUNTS[0], seller), (*v.DEMO_ACCOUNTS[1], seller)]
        accounts += [(*SECOND_SELLER_ACCOUNT, SELLER_PROFILES[STRUGGLING].name)]
        accounts += [(email, name, role_text, seller) for email, name, _, role_text in TEAM]
        accounts += [(*APPLICANT, seller)]
        accounts += [(*account, seller) for account in v.DEMO_ACCOUNTS[2:]]
        emails = [account[0] for account in accounts]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        for email, _, role, name in accounts:
            missing = "" if email in existing else "  (not created yet: run manage.py seed_demo)"
            self.stdout.write(f"  {email:<22} {role.format(seller=name)}{missing}")
        self.stdout.write(f"Sign in at {SITE}/accounts/login/ (the staff account also at {SITE}/admin/).")
