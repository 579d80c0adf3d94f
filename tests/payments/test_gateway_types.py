"""Every call the payments gateway makes to Stripe is type-checked against stripe-python's own
typed parameters (mypy, strict on the gateway): a parameter Stripe does not define fails here,
even though the development Stripe peer would take it."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = ROOT / "payments" / "gateway.py"

mypy_api = pytest.importorskip("mypy.api")


def _check(path: Path) -> tuple[str, int]:
    out, err, status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", str(path)]
    )
    return out + err, status


def test_the_gateway_passes_strict_type_checking():
    report, status = _check(GATEWAY)
    assert status == 0, report


def test_a_parameter_stripe_does_not_define_fails(tmp_path):
    package = tmp_path / "payments"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copy(ROOT / "payments" / "errors.py", package / "errors.py")
    source = GATEWAY.read_text()
    marker = '"transfer_group": transfer_group,'
    assert marker in source
    (package / "gateway.py").write_text(
        source.replace(marker, marker + ' "transfer_grup": transfer_group,', 1)
    )
    report, status = _check(package / "gateway.py")
    assert status == 1
    assert "transfer_grup" in report
