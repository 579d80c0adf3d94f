import pickle
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

WEBHOOK_PATH = "/stripe/webhook/"
CONNECT_WEBHOOK_PATH = "/stripe/connect-webhook/"
# Events about connected accounts: to the Connect endpoint, signed with its own secret.
CONNECT_EVENTS = ["account.updated"]


class Command(BaseCommand):
    help = (
        "Run localstripe (Stripe-compatible fake API and Stripe.js) bound to loopback only, "
        "with the app's webhook registered so the demo receives signed events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8420)
        parser.add_argument("--from-scratch", action="store_true", help="forget the saved state")
        parser.add_argument(
            "--state-file",
            default=str(settings.VAR_DIR / "localstripe.pickle"),
            help="where localstripe keeps its state between runs (its own default is in /tmp)",
        )
        parser.add_argument(
            "--connect-webhook-url",
            default=f"{settings.SITE_URL.rstrip('/')}{CONNECT_WEBHOOK_PATH}",
            help="where localstripe delivers Connect events (empty: none)",
        )
        parser.add_argument(
            "--webhook-url",
            default=f"{settings.SITE_URL.rstrip('/')}{WEBHOOK_PATH}",
            help="where localstripe delivers events (empty: none)",
        )

    def handle(
        self,
        *args,
        host,
        port,
        from_scratch,
        state_file,
        webhook_url,
        connect_webhook_url,
        **options,
    ):
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise CommandError("localstripe is a development peer: bind it to loopback only.")
        try:
            from aiohttp import web
            from localstripe.resources import store
            from localstripe.server import app
            from localstripe.webhooks import register_webhook
        except ImportError as exc:
            raise CommandError("localstripe is not installed: pip install -e '.[demo]'") from exc
        from devtools.stripe_connect import install

        install(app)  # Connect (before the saved state is loaded)
        _keep_state_in(type(store), Path(state_file))
        if not from_scratch:
            store.try_load_from_disk()
        from devtools.demo_accounts import register_demo_accounts

        if added := register_demo_accounts(store):
            self.stdout.write(f"localstripe knows the demo's {added} connected account(s)")
        if webhook_url and settings.STRIPE_WEBHOOK_SECRET:
            # What POST /_config/webhooks/<id> (url, secret) does, done in-process at start.
            register_webhook("circuit-court", webhook_url, settings.STRIPE_WEBHOOK_SECRET, None)
            self.stdout.write(f"localstripe delivers signed webhooks to {webhook_url}")
        if connect_webhook_url and settings.STRIPE_CONNECT_WEBHOOK_SECRET:
            register_webhook(
                "circuit-court-connect",
                connect_webhook_url,
                settings.STRIPE_CONNECT_WEBHOOK_SECRET,
                CONNECT_EVENTS,
            )
            self.stdout.write(f"localstripe delivers Connect events to {connect_webhook_url}")
        self.stdout.write(f"localstripe on http://{host}:{port} (Stripe.js at /js.stripe.com/v3/)")
        web.run_app(app, host=host, port=port, print=None)


def _keep_state_in(store_class: type, path: Path) -> None:
    """localstripe pickles its store to /tmp/localstripe.pickle, shared by every run on the
    machine: the embedded mode keeps it under VAR_DIR instead (same format, same moments)."""

    def try_load_from_disk(self):
        try:
            with path.open("rb") as f:
                old = pickle.load(f)
        except FileNotFoundError:
            return
        self.clear()
        self.update(old)

    def dump_to_disk(self):
        with path.open("wb") as f:
            pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)

    store_class.try_load_from_disk = try_load_from_disk
    store_class.dump_to_disk = dump_to_disk
