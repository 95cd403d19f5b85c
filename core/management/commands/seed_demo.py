"""Load the demo portfolio: each app's ``demo.seed(ctx)``, in app order. Running it twice changes nothing."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import write_logins


class Command(BaseCommand):
    help = "Load the demo portfolio (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        ctx: dict = {"logins": []}
        with transaction.atomic():
            modules = []
            for config in apps.get_app_configs():
                try:
                    modules.append(import_module(f"{config.name}.demo"))
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
            for module in modules:
                module.seed(ctx)
            # Steps that need every app's story told first (the notifications settle last).
            for module in modules:
                if hasattr(module, "finish"):
                    module.finish(ctx)
        if not quiet:
            write_logins(self.stdout, ctx["logins"], ctx.get("password", ""))
