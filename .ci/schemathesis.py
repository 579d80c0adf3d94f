#!/usr/bin/env python3
"""Fuzz the live API with schemathesis, as a visitor and as each demo role.

On a throwaway PostgreSQL database (dropped and created again): migrate, seed the demo, start
localstripe and gunicorn on 127.0.0.1 and free ports, fetch every role's token first (the
fuzzer posts wrong passwords to the token endpoint and django-axes would lock a role out), then
run schemathesis over every operation of /api/schema/ once per role with its server-error,
status-code and response-schema checks. Exits non-zero when any run finds a failure.

    .venv/bin/python .ci/schemathesis.py                      # what .ci/run does
    SCHEMATHESIS_DATABASE=h_mine .venv/bin/python .ci/schemathesis.py --max-examples 10

Fuzzing writes: farms, distributions, orders... are created and changed on the way. That is
the point of a throwaway database; never point it at one that matters.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PASSWORD = "demo-circuit-court"
ROLES = {
    "visitor": None,
    "household": "foyer@demo.circuit-court.fr",
    "producer": "ferme@demo.circuit-court.fr",
    "host": "hote@demo.circuit-court.fr",
    "gardener": "jardin@demo.circuit-court.fr",
    "coordinator": "coordination@demo.circuit-court.fr",
}
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
# Operations left out of the fuzzing, each with the reason. Empty: every operation is fuzzed.
EXCLUDED: dict[str, str] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read(1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{url} did not come up") from None
            time.sleep(0.2)


def fresh_database(url_base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url_base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def token(base: str, email: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


def get(base: str, path: str, token_: str) -> dict | list:
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Token {token_}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def own_objects(base: str, role: str, token_: str | None) -> dict[str, int]:
    """Path parameters that name the role's own objects (a farm, a garden), so that fuzzing
    reaches past the 404 of a random id. Other roles' ids stay generated."""
    if role == "producer":
        farm = get(base, "/api/v1/producers/", token_)["results"][0]["id"]
        return {"path.producer_id": farm, "path.producer": farm}
    if role in ("gardener", "coordinator"):
        return {"path.garden_id": get(base, "/api/v1/gardens/", token_)[0]["id"]}
    return {}


def schemathesis_command(base, role, token_, args, reports) -> list[str]:
    config = reports / f"{role}.toml"
    values = own_objects(base, role, token_)
    config.write_text("[parameters]\n" + "".join(f'"{k}" = {v}\n' for k, v in values.items()))
    command = [
        str(VENV_BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/schema/",
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--continue-on-failure",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(reports / f"{role}.xml"),
    ]
    if token_:
        command += ["--header", f"Authorization: Token {token_}"]
    for operation in EXCLUDED:
        command += ["--exclude-operation-id", operation]
    return command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--max-examples", type=int, default=15, help="per operation and role")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated")
    parser.add_argument("--parallel", type=int, default=3, help="roles fuzzed at once")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per role, at most")
    args = parser.parse_args()

    server = os.environ.get("SCHEMATHESIS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    database = os.environ.get("SCHEMATHESIS_DATABASE", "schemathesis")
    work = Path(tempfile.mkdtemp(prefix="schemathesis-"))
    reports = Path(os.environ.get("SCHEMATHESIS_REPORTS", work / "reports"))
    reports.mkdir(parents=True, exist_ok=True)
    web_port, stripe_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DEBUG": "false",  # Django's own error pages, as in production
        "DATABASE_URL": f"{server}/{database}",
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "true",  # no worker: tasks run inside the request
        "VAR_DIR": str(work / "var"),
        "STRIPE_API_BASE": f"http://127.0.0.1:{stripe_port}",
        "STRIPE_JS_URL": f"http://127.0.0.1:{stripe_port}/js.stripe.com/v3/",
        "SITE_URL": base,
        # The fuzzer sends thousands of requests a minute; throttling is tested elsewhere.
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "LOG_LEVEL": "ERROR",  # tracebacks of 500s, not every 4xx
    }
    python = str(VENV_BIN / "python")

    def manage(*command: str) -> None:
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)

    print(f"database {database}, work files in {work}", flush=True)
    fresh_database(server, database)
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("seed_demo", "--verbosity", "0")

    processes: list[subprocess.Popen] = []
    log = (work / "servers.log").open("w")
    try:
        stripe_command = [python, "manage.py", "localstripe", "--port", str(stripe_port)]
        stripe = subprocess.Popen(
            [*stripe_command, "--from-scratch", "--webhook-url", f"{base}/stripe/webhook/"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(stripe)
        wait_for(f"http://127.0.0.1:{stripe_port}/js.stripe.com/v3/", stripe)
        gunicorn = [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{web_port}",
        ]
        web = subprocess.Popen(
            # No limit on the request line: a proxy in front sets it in production; here the
            # app itself answers whatever the fuzzer sends.
            [*gunicorn, "--limit-request-line", "0", "--timeout", "60", "--error-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(web)
        wait_for(f"{base}/api/schema/", web)

        roles = [role for role in args.roles.split(",") if role]
        tokens = {role: token(base, ROLES[role]) for role in roles if ROLES[role]}
        running: dict[str, tuple[subprocess.Popen, float]] = {}
        codes: dict[str, int | str] = {}
        pending = list(roles)
        # A few roles at once (separate processes: schemathesis' own threads trip over a
        # CPython 3.11 bug in hypothesis' reprs), each bounded in examples and in time.
        while pending or running:
            while pending and len(running) < args.parallel:
                role = pending.pop(0)
                command = schemathesis_command(base, role, tokens.get(role), args, reports)
                out = (reports / f"{role}.txt").open("w")
                print(f"--- schemathesis as {role}", flush=True)
                process = subprocess.Popen(command, cwd=work, stdout=out, stderr=subprocess.STDOUT)
                running[role] = (process, time.monotonic())
            time.sleep(1)
            for role, (process, started) in list(running.items()):
                elapsed = time.monotonic() - started
                if process.poll() is None and elapsed > args.timeout:
                    process.kill()
                    process.wait()
                    codes[role] = "timeout"
                elif process.poll() is not None:
                    codes[role] = process.returncode
                else:
                    continue
                del running[role]
                text = (reports / f"{role}.txt").read_text()
                summary = text[text.rfind("SUMMARY") :] if "SUMMARY" in text else text[-3000:]
                last = summary.strip().splitlines()[-1] if summary.strip() else ""
                print(f"({role}: exit {codes[role]}, {elapsed:.0f} s) {last}", flush=True)
        failed = [role for role in roles if codes[role] != 0]
        for role in failed:
            print(f"\n=== {role}\n" + (reports / f"{role}.txt").read_text()[-30000:])
        if failed:
            print(f"\nschemathesis found failures as: {', '.join(failed)} (reports in {reports})")
            print((work / "servers.log").read_text()[-20000:])
            return 1
        print(f"\nschemathesis: no failure as {', '.join(roles)}")
        return 0
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
