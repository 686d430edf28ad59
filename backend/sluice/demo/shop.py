"""The demo shop's tables and rows: customers, products, orders and their lines.

The rows come from a `random.Random` with a fixed seed and fixed dates (all of 2024), so
every run on every machine generates the same shop, and a database filled once holds
exactly what a second run would write.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

ColumnKind = Literal["id", "int", "text", "timestamp", "ref"]
Row = tuple[int | str, ...]
Rows = dict[str, list[Row]]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    size: int = 0
    """The longest text a `text` column holds."""
    references: str | None = None
    """The table a `ref` column points at (its `id`)."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]


TABLES = (
    Table(
        "customers",
        (
            Column("id", "id"),
            Column("name", "text", 100),
            Column("email", "text", 200),
            Column("country", "text", 2),
            Column("created_at", "timestamp"),
        ),
    ),
    Table(
        "products",
        (
            Column("id", "id"),
            Column("name", "text", 100),
            Column("category", "text", 30),
            Column("price_cents", "int"),
            Column("stock", "int"),
        ),
    ),
    Table(
        "orders",
        (
            Column("id", "id"),
            Column("customer_id", "ref", references="customers"),
            Column("status", "text", 20),
            Column("ordered_at", "timestamp"),
        ),
    ),
    Table(
        "order_lines",
        (
            Column("id", "id"),
            Column("order_id", "ref", references="orders"),
            Column("product_id", "ref", references="products"),
            Column("quantity", "int"),
            Column("unit_price_cents", "int"),
        ),
    ),
)
"""In the order they are filled (a table after those it references)."""

SEED = 2024
CUSTOMERS = 250
ORDERS = 1000
COUNTRIES = ("DE", "FR", "NL", "SE", "ES", "IT", "PL", "GB", "US", "CA")
STATUSES = ("new", "paid", "shipped", "delivered", "cancelled")
FIRST_NAMES = (
    "Ada", "Alan", "Bea", "Carl", "Dina", "Emil", "Fay", "Gus", "Hana", "Ivan",
    "Jade", "Karl", "Lena", "Milo", "Nora", "Otto", "Pia", "Quinn", "Rosa", "Sven",
    "Tara", "Ugo", "Vera", "Walt", "Xena", "Yuri", "Zoe", "Ines", "Liam", "Maja",
)  # fmt: skip
LAST_NAMES = (
    "Adler", "Berg", "Costa", "Dahl", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito",
    "Jansen", "Kowalski", "Lind", "Moreau", "Novak", "Olsen", "Petit", "Quint", "Rossi",
    "Schmidt", "Torres", "Ullman", "Vidal", "Weber", "Young", "Zeller",
)  # fmt: skip
ADJECTIVES = ("Classic", "Compact", "Deluxe", "Handmade", "Light", "Pocket", "Sturdy", "Vintage")
CATEGORIES: dict[str, tuple[tuple[str, ...], int, int]] = {
    "books": (("Atlas", "Cookbook", "Field guide", "Novel", "Sketchbook"), 8, 40),
    "games": (("Board game", "Card game", "Chess set", "Puzzle", "Dice set"), 10, 80),
    "garden": (("Hose", "Planter", "Pruner", "Rake", "Watering can"), 6, 90),
    "kitchen": (("Kettle", "Knife", "Pan", "Teapot", "Whisk"), 5, 120),
    "music": (("Harmonica", "Metronome", "Tuner", "Ukulele", "Songbook"), 7, 150),
    "outdoor": (("Backpack", "Compass", "Lantern", "Tent", "Water bottle"), 9, 250),
}
"""Category -> (product nouns, lowest and highest price in whole euros)."""
PRODUCTS_PER_CATEGORY = 10
START = datetime(2024, 1, 1)
YEAR_SECONDS = 366 * 86_400


def generate(seed: int = SEED) -> Rows:
    """Every table's rows, in the column order of TABLES."""
    rng = random.Random(seed)
    customers = _customers(rng)
    products = _products(rng)
    orders, lines = _orders(rng, products)
    return {"customers": customers, "products": products, "orders": orders, "order_lines": lines}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _customers(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for number in range(1, CUSTOMERS + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}.{number}@example.com".lower()
        country = rng.choices(COUNTRIES, weights=(9, 6, 4, 3, 4, 4, 3, 5, 6, 2))[0]
        joined = START - timedelta(seconds=rng.randrange(YEAR_SECONDS))
        rows.append((number, f"{first} {last}", email, country, _stamp(joined)))
    return rows


def _products(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for category, (nouns, low, high) in CATEGORIES.items():
        names = [f"{adjective} {noun.lower()}" for adjective in ADJECTIVES for noun in nouns]
        for name in sorted(rng.sample(names, PRODUCTS_PER_CATEGORY)):
            price = rng.randrange(low, high) * 100 + 99
            stock = 0 if rng.random() < 0.1 else rng.randrange(1, 200)
            rows.append((len(rows) + 1, name, category, price, stock))
    return rows


def _orders(rng: random.Random, products: list[Row]) -> tuple[list[Row], list[Row]]:
    """Orders in time order (ids grow with the date) and one to five lines each."""
    moments = sorted(START + timedelta(seconds=rng.randrange(YEAR_SECONDS)) for _ in range(ORDERS))
    orders: list[Row] = []
    lines: list[Row] = []
    for number, moment in enumerate(moments, start=1):
        orders.append((number, rng.randint(1, CUSTOMERS), _status(rng, moment), _stamp(moment)))
        count = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))
        for product in rng.sample(products, count):
            quantity = rng.choice((1, 1, 1, 2, 2, 3))
            lines.append((len(lines) + 1, number, product[0], quantity, product[3]))
    return orders, lines


def _status(rng: random.Random, moment: datetime) -> str:
    """Recent orders are still on their way; older ones were delivered or cancelled."""
    if moment.month == 12:
        return rng.choices(STATUSES, weights=(3, 3, 3, 1, 1))[0]
    return rng.choices(STATUSES, weights=(0, 0, 1, 12, 1))[0]
