"""The house's rules, read from the source with ``ast`` (docs/architecture.md):

- imports flow one way between apps:
  common ← legal ← accounts ← payments ← producers ← pickup ← orders ← subscriptions ← handover ←
  billing ← frontend, and gardens sees only common, accounts and payments;
- no function-level import of the project's own modules, except where the framework asks for
  it: a task module imports its own app's services inside the task (the services enqueue the
  task), and an ``AppConfig.ready`` registers the app's callbacks (models are not loaded
  before);
- no private name (``_x``) imported from another module;
- only ``payments/gateway.py`` imports ``stripe``, only ``common/geo.py`` imports ``geopy``,
  only ``common/pdf.py`` imports ``weasyprint``.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lower layers first: an app imports only itself and the apps before it.
LAYERS = [
    "common",
    "legal",
    "accounts",
    "payments",
    "producers",
    "pickup",
    "orders",
    "subscriptions",
    "handover",
    "billing",
    "frontend",
]
# Apps outside the chain, with what they may import; the top layer sees them too.
SIDE_APPS = {"gardens": {"common", "accounts", "payments"}}
APPS = set(LAYERS) | set(SIDE_APPS)
# Outside libraries that one module only may import (the seam tests replace).
SEAMS = {"stripe": "payments/gateway.py", "geopy": "common/geo.py", "weasyprint": "common/pdf.py"}


def allowed(app: str) -> set[str]:
    if app in SIDE_APPS:
        return SIDE_APPS[app] | {app}
    below = set(LAYERS[: LAYERS.index(app) + 1])
    return below | (set(SIDE_APPS) if app == LAYERS[-1] else set())


def imports(tree: ast.AST):
    """(node, module, names, top-level?) for every absolute import. An import under a
    top-level ``if TYPE_CHECKING:`` counts as top-level (it never runs)."""
    top = {id(node) for node in tree.body}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            top |= {id(child) for child in node.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, [], id(node) in top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module, [a.name for a in node.names], id(node) in top


def violations(root: Path = ROOT):
    for app in sorted(APPS):
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            where = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(), filename=where)
            for node, module, names, top_level in imports(tree):
                target = module.split(".")[0]
                if target in SEAMS and where != SEAMS[target]:
                    yield f"{where}:{node.lineno}: imports {target} (only {SEAMS[target]} may)"
                if target not in APPS:
                    continue
                if target not in allowed(app):
                    yield f"{where}:{node.lineno}: {app} imports {module} (against the direction)"
                lazy_ok = path.name == "apps.py" or (path.name == "tasks.py" and target == app)
                if not top_level and not lazy_ok:
                    yield f"{where}:{node.lineno}: function-level import of {module}"
                for name in names:
                    if name.startswith("_"):
                        yield f"{where}:{node.lineno}: private name {name} imported from {module}"


def test_imports_follow_the_rules_of_the_house():
    found = list(violations())
    assert not found, "\n".join(found)


def test_every_app_of_the_house_is_checked():
    for app in APPS:
        assert (ROOT / app / "apps.py").exists(), app


def test_the_checker_reports_each_kind_of_broken_rule(tmp_path):
    """The rules can fail: a tree breaking each one is reported, line by line."""
    for app in APPS:
        (tmp_path / app).mkdir()
    (tmp_path / "orders" / "services.py").write_text(
        "from subscriptions.models import Subscription\n"
        "from orders.helpers import _secret\n"
        "import stripe\n"
        "def f():\n"
        "    from orders.models import Order\n"
    )
    (tmp_path / "gardens" / "views.py").write_text("from orders.models import Order\n")
    (tmp_path / "payments" / "tasks.py").write_text("def t():\n    from orders import x\n")
    (tmp_path / "handover" / "tasks.py").write_text("def t():\n    from handover import s\n")

    found = set(violations(tmp_path))

    assert found == {
        "orders/services.py:1: orders imports subscriptions.models (against the direction)",
        "orders/services.py:2: private name _secret imported from orders.helpers",
        "orders/services.py:3: imports stripe (only payments/gateway.py may)",
        "orders/services.py:5: function-level import of orders.models",
        "gardens/views.py:1: gardens imports orders.models (against the direction)",
        "payments/tasks.py:2: payments imports orders (against the direction)",
        "payments/tasks.py:2: function-level import of orders",
    }
