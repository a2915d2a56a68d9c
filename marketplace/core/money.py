"""Money: ``Decimal`` amounts with an ISO 4217 currency, never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def quantize(amount: Decimal) -> Decimal:
    """Round ``amount`` to cents, half up, as shops and tax authorities do."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str = "USD"

    def __post_init__(self):
        if isinstance(self.amount, float):
            raise TypeError("Money amounts must be Decimal, not float.")
        object.__setattr__(self, "amount", Decimal(self.amount))

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"Cannot combine {self.currency} and {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """Return ``amount`` as a shopper reads it: ``$1,234.50``."""
    amount = quantize(Decimal(amount))
    symbol = CURRENCY_SYMBOLS.get(currency)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"
