from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run localstripe (Stripe-compatible fake API and Stripe.js) bound to loopback only."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8420)
        parser.add_argument("--from-scratch", action="store_true", help="forget the saved state")

    def handle(self, *args, host, port, from_scratch, **options):
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise CommandError("localstripe is a development peer: bind it to loopback only.")
        try:
            from aiohttp import web
            from localstripe.resources import store
            from localstripe.server import app
        except ImportError as exc:
            raise CommandError("localstripe is not installed: pip install -e '.[demo]'") from exc
        if not from_scratch:
            store.try_load_from_disk()
        self.stdout.write(f"localstripe on http://{host}:{port} (Stripe.js at /js.stripe.com/v3/)")
        web.run_app(app, host=host, port=port, print=None)
