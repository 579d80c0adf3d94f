"""The embedded mode writes only under VAR_DIR, never into the directory a process was started
from nor into a folder shared by the machine: the Procfile's worker (the filesystem broker's
folders, beat's schedule) and localstripe's saved state."""

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _procfile_command(name: str) -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        if process.strip() == name:
            return shlex.split(command)
    raise AssertionError(f"no {name!r} in the Procfile")


def _beat_schedules(*folders: Path) -> list[Path]:
    return [path for folder in folders for path in folder.rglob("celerybeat-schedule*")]


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop the process, then whatever is left of its group (a worker's pool)."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def test_the_procfile_worker_writes_only_under_var_dir(tmp_path):
    cwd = tmp_path / "elsewhere"
    var_dir = tmp_path / "var"
    cwd.mkdir()
    command = _procfile_command("worker")
    assert command[0] == ".venv/bin/celery"
    command = [sys.executable, "-m", "celery", *command[1:]]
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}},
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": "filesystem://",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 40
            while b" ready." not in log.read_bytes():  # the broadcast queue is bound by then
                assert worker.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            deadline = time.monotonic() + 10
            while not _beat_schedules(var_dir) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            _stop(worker, signal.SIGKILL)  # what it wrote is written; a warm shutdown takes ~10 s

    assert sorted(p.name for p in cwd.iterdir()) == []
    assert _beat_schedules(var_dir)
    assert (var_dir / "celery" / "control").is_dir()
    assert list((var_dir / "celery" / "control").glob("*.exchange")), "no broadcast table"


@pytest.mark.localstripe
def test_localstripe_keeps_its_state_under_var_dir(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    var_dir = tmp_path / "var"
    env = {**os.environ, "VAR_DIR": str(var_dir)}
    command = [sys.executable, str(ROOT / "manage.py"), "localstripe", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--from-scratch", "--webhook-url", ""],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1).read(1)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no localstripe"
                time.sleep(0.1)
        request = urllib.request.Request(
            f"{base}/v1/customers",
            data=b"email=state%40example.org",
            headers={"Authorization": "Bearer sk_test_embedded"},
        )
        urllib.request.urlopen(request, timeout=5).read()
    finally:
        _stop(server)
    state = var_dir / "localstripe.pickle"
    assert state.exists()
    assert b"state@example.org" in state.read_bytes()
