"""Every write of the producers app, with the rule it enforces in its docstring.

Views, serializers, forms, admin actions and the demo seed call these; none of them writes
producers' rows directly. Split by subject; import them from here.
"""

from producers.services.catalogues import (
    CopyResult,
    add_offer,
    copy_last_week,
    create_catalogue,
    delete_offer,
    publish_catalogue,
    set_offer_stock,
    update_offer,
)
from producers.services.imports import ImportResult, import_offers_csv, import_products_csv
from producers.services.products import (
    PRODUCT_FIELDS,
    create_producer,
    create_product,
    delete_product,
    update_producer,
    update_product,
)

__all__ = [
    "PRODUCT_FIELDS",
    "CopyResult",
    "ImportResult",
    "add_offer",
    "copy_last_week",
    "create_catalogue",
    "create_producer",
    "create_product",
    "delete_offer",
    "delete_product",
    "import_offers_csv",
    "import_products_csv",
    "publish_catalogue",
    "set_offer_stock",
    "update_offer",
    "update_producer",
    "update_product",
]
