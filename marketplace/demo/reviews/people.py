"""The demo's reviewers: a pool of shopper accounts that bought, reviewed and voted in the past.

Shopper ``i`` is the same in every demo database (its name and address are
drawn by Faker seeded with ``i``). The pool grows with the catalog: unit
``k`` draws its buyers from the first ``pool_size(k)`` shoppers, so a unit
has the same buyers whatever else is seeded, and a family with many reviews
still has a distinct buyer for each. The accounts have no usable password:
they are there to have bought and written, not to sign in.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from faker import Faker

from marketplace.accounts.models import User
from marketplace.demo import vocabulary as v
from marketplace.demo.generator import FIXED_SEED, HISTORY

POOL_START = 300  # shoppers of the first units
POOL_GROWTH = 3  # one more shopper every three units
POOL_MAX = 30_000
UNUSABLE_PASSWORD = "!demo-reviewer"  # noqa: S105 - not a password: "!" makes it unusable
US_CITIES = tuple(city for city in v.CITIES if city[3] == "US")
STREETS = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Place", "Way")

_faker = Faker("en_US")


@dataclass(frozen=True, slots=True)
class Shopper:
    index: int
    email: str
    full_name: str
    line1: str
    city: str
    region: str
    postal_code: str
    phone: str


def pool_size(k: int) -> int:
    """How many shoppers unit ``k`` may draw its buyers from."""
    return min(POOL_MAX, POOL_START + k // POOL_GROWTH)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@lru_cache(maxsize=POOL_MAX)
def shopper(index: int) -> Shopper:
    """Shopper ``index`` of the pool: a name, an e-mail of example.com and a US address."""
    rng = random.Random(FIXED_SEED * 7 + index)
    _faker.seed_instance(FIXED_SEED + index)
    first, last = _faker.first_name(), _faker.last_name()
    city, region, postal_code, *_ = rng.choice(US_CITIES)
    return Shopper(
        index=index,
        email=f"{_ascii(first)}.{_ascii(last)}.{index}@example.com",
        full_name=f"{first} {last}",
        line1=f"{rng.randint(2, 9800)} {_faker.last_name()} {rng.choice(STREETS)}",
        city=city,
        region=region,
        postal_code=postal_code,
        phone=f"+1 555 01{rng.randrange(100):02d}",
    )


def ensure_pool(size: int, *, now: datetime) -> dict[int, int]:
    """Create the shoppers ``0 .. size - 1`` that are missing; return {pool index: user id}."""
    wanted = {shopper(index).email: index for index in range(size)}
    ids: dict[int, int] = {}
    emails = list(wanted)
    for start in range(0, len(emails), 5000):
        rows = User.objects.filter(email__in=emails[start : start + 5000]).values_list("email", "pk")
        ids.update({wanted[email]: pk for email, pk in rows})
    missing = [index for index in range(size) if index not in ids]
    joined = now - HISTORY - timedelta(days=30)
    created = User.objects.bulk_create(
        [
            User(
                email=shopper(index).email,
                full_name=shopper(index).full_name,
                first_name=shopper(index).full_name.split()[0],
                last_name=shopper(index).full_name.split()[-1],
                password=UNUSABLE_PASSWORD,
                date_joined=joined - timedelta(hours=index % 5000),
            )
            for index in missing
        ],
        batch_size=2000,
    )
    ids.update({index: user.pk for index, user in zip(missing, created, strict=True)})
    return ids
