"""The demo's objects as data: its names, the SQL macro and the APIs of the `demo` module.

Each API shows one or two features (docs/USER_GUIDE.md, "The demo", has the table). The
SQL sticks to what SQLite, PostgreSQL and MySQL share, so the APIs also run on the
databases `sluice demo --source` fills.
"""

from sluice.demo.shop import CATEGORIES, COUNTRIES, STATUSES
from sluice.engines.params import ParamDef
from sluice.models.api import ApiSettings

NAME = "demo"
"""The data source, module, group and client are all called this."""
DATA_FILE = "demo.sqlite3"
"""The demo's SQLite file, in the SQLite data-source folder."""
MACRO = "demo_shop"
AUTHOR = "sluice demo"
"""Who the audit log and the version history name for what the demo creates."""

MACRO_SOURCE = """\
{% macro order_total(alias) -%}
(SELECT COALESCE(SUM(l.quantity * l.unit_price_cents), 0)
   FROM order_lines l WHERE l.order_id = {{ alias|sql_ident }}.id)
{%- endmacro %}
"""
MACRO_DESCRIPTION = "Shared SQL of the demo: order_total(alias), an order's total in cents."

PRODUCTS = """\
SELECT id, name, category, price_cents, stock
FROM products
{% where %}
  {% if category %}AND category = {{ category }}{% endif %}
  {% if q %}AND lower(name) LIKE {{ q|lower|sql_like }}{% endif %}
  {% if max_price_cents is not none %}AND price_cents <= {{ max_price_cents }}{% endif %}
  {% if in_stock %}AND stock > 0{% endif %}
{% endwhere %}
ORDER BY id
"""

PRODUCT = """\
SELECT p.id, p.name, p.category, p.price_cents, p.stock,
       (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l
         WHERE l.product_id = p.id) AS units_sold
FROM products p
WHERE p.id = {{ id }}
"""

PRODUCT_TRANSFORM = """\
def transform(result, params):
    if not result:
        return None
    product = dict(result[0])
    cents = product.pop("price_cents")
    product["price"] = "%d.%02d" % (cents // 100, cents % 100)
    product["in_stock"] = product["stock"] > 0
    return product
"""

CUSTOMERS = """\
SELECT id, name, email, country, created_at
FROM customers
{% where %}
  {% if country %}AND country = {{ country }}{% endif %}
  {% if q %}AND (lower(name) LIKE {{ q|lower|sql_like }} OR lower(email) LIKE {{ q|lower|sql_like }}){% endif %}
{% endwhere %}
ORDER BY id
"""

CUSTOMER_ORDERS = """\
{% import 'demo_shop' as shop %}
SELECT o.id, o.status, o.ordered_at, {{ shop.order_total('o') }} AS total_cents
FROM orders o
WHERE o.customer_id = {{ id }}
ORDER BY o.ordered_at DESC, o.id DESC
"""

ORDERS = """\
{% import 'demo_shop' as shop %}
SELECT o.id, o.customer_id, c.name AS customer, o.status, o.ordered_at,
       {{ shop.order_total('o') }} AS total_cents
FROM orders o
JOIN customers c ON c.id = o.customer_id
{% where %}
  {% if status %}AND o.status = {{ status }}{% endif %}
  {% if customer_id %}AND o.customer_id = {{ customer_id }}{% endif %}
  {% if since %}AND o.ordered_at >= {{ since }}{% endif %}
  {% if until %}AND o.ordered_at < {{ until }}{% endif %}
{% endwhere %}
ORDER BY o.ordered_at DESC, o.id DESC
"""

ORDERS_VALIDATION = """\
def validate(params):
    since, until = params.get("since"), params.get("until")
    if since and until and str(until) <= str(since):
        return "until must be a later day than since"
"""

CREATE_ORDER = """\
INSERT INTO orders (customer_id, status, ordered_at)
SELECT id, {{ status }}, CURRENT_TIMESTAMP FROM customers WHERE id = {{ customer_id }}
RETURNING id, customer_id, status, ordered_at
"""

MONTHLY_SALES = """\
def execute(params):
    year = params["year"]
    mark = "?" if ds["paramstyle"] == "qmark" else "%s"
    rows = db.query(
        "SELECT o.id, o.ordered_at, l.quantity * l.unit_price_cents AS cents"
        " FROM orders o JOIN order_lines l ON l.order_id = o.id"
        " WHERE o.status <> 'cancelled'"
        " AND o.ordered_at >= " + mark + " AND o.ordered_at < " + mark,
        ["%d-01-01" % year, "%d-01-01" % (year + 1)],
    )
    months = {}
    for row in rows:
        month = months.setdefault(str(row["ordered_at"])[:7], {"orders": {}, "cents": 0})
        month["orders"][row["id"]] = True
        month["cents"] = month["cents"] + row["cents"]
    log.info("rows read:", len(rows))
    answer, previous = [], None
    for name in sorted(months):
        cents = months[name]["cents"]
        growth = None if not previous else round(100 * (cents - previous) / previous, 1)
        answer.append(
            {"month": name, "orders": len(months[name]["orders"]),
             "revenue_cents": cents, "growth_pct": growth}
        )
        previous = cents
    return answer
"""

CATEGORY_SALES = """\
SELECT p.category,
       count(DISTINCT l.order_id) AS orders,
       SUM(l.quantity) AS units,
       SUM(l.quantity * l.unit_price_cents) AS revenue_cents
FROM order_lines l
JOIN products p ON p.id = l.product_id
JOIN orders o ON o.id = l.order_id
WHERE o.status <> 'cancelled'
GROUP BY p.category
ORDER BY revenue_cents DESC
"""


def _query(name: str, kind: str, description: str, **rules: object) -> ParamDef:
    return ParamDef.model_validate(
        {"name": name, "location": "query", "type": kind, "description": description} | rules
    )


def _id(description: str) -> ParamDef:
    return ParamDef(
        name="id", location="path", type="integer", required=True, min=1, description=description
    )


def _search(what: str) -> ParamDef:
    return _query("q", "string", f"Part of the {what}, any case", min=1, max=100)


APIS = (
    ApiSettings(
        name="List products",
        path="products",
        content=PRODUCTS,
        access="public",
        pagination="page",
        rate_limit_per_minute=120,
        description="Public (no token): the catalogue, filtered with {% where %}, in pages.",
        params=[
            _query("category", "string", "One category", enum=list(CATEGORIES)),
            _search("product name"),
            _query("max_price_cents", "integer", "The highest price, in cents", min=0),
            _query("in_stock", "boolean", "Only products in stock"),
        ],
    ),
    ApiSettings(
        name="Get a product",
        path="products/{id}",
        content=PRODUCT,
        result_transform=PRODUCT_TRANSFORM,
        description="A path parameter, and a Python transform that turns the row into an "
        "object with a formatted price (null when no product has the id).",
        params=[_id("The product's id")],
    ),
    ApiSettings(
        name="List customers",
        path="customers",
        content=CUSTOMERS,
        pagination="offset",
        description="Filters in {% where %}, paged with limit and offset.",
        params=[
            _query("country", "string", "Two-letter country code", enum=list(COUNTRIES)),
            _search("name or e-mail"),
        ],
    ),
    ApiSettings(
        name="A customer's orders",
        path="customers/{id}/orders",
        content=CUSTOMER_ORDERS,
        description="A path parameter and the demo_shop macro's order total.",
        params=[_id("The customer's id")],
    ),
    ApiSettings(
        name="List orders",
        path="orders",
        content=ORDERS,
        param_validation=ORDERS_VALIDATION,
        pagination="page",
        description="{% where %} filters, the demo_shop macro, a parameter check in Python "
        "(until after since), in pages.",
        params=[
            _query("status", "string", "One status", enum=list(STATUSES)),
            _query("customer_id", "integer", "One customer's orders", min=1),
            _query("since", "date", "Ordered on this day or later"),
            _query("until", "date", "Ordered before this day"),
        ],
    ),
    ApiSettings(
        name="Create an order",
        path="orders",
        method="POST",
        content=CREATE_ORDER,
        description="A write: INSERT ... RETURNING answers the new row (an empty list when "
        "the customer does not exist).",
        params=[
            ParamDef(name="customer_id", location="body", type="integer", required=True, min=1),
            ParamDef(
                name="status", location="body", type="string", default="new", enum=["new", "paid"]
            ),
        ],
    ),
    ApiSettings(
        name="Monthly sales",
        path="stats/monthly",
        engine="script",
        content=MONTHLY_SALES,
        description="A Python script: orders and revenue per month of a year, with the "
        "growth over the month before.",
        params=[_query("year", "integer", "The year", default=2024, min=2000, max=2100)],
    ),
    ApiSettings(
        name="Sales by category",
        path="stats/categories",
        content=CATEGORY_SALES,
        cache_ttl_seconds=300,
        description="An aggregate over every order line, cached for five minutes "
        "(X-Cache: MISS, then HIT).",
    ),
)
