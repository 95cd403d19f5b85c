"""Load the demo portfolio: each app's ``demo.seed(ctx)``, in app order. Running it twice changes nothing."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo portfolio (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        ctx: dict = {"logins": []}
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(ctx)
        if not quiet:
            password = ctx.get("password", "")
            self.stdout.write(
                self.style.SUCCESS(f"Demo portfolio ready. Demo logins (password for all: {password}):")
            )
            for username, role in ctx["logins"]:
                self.stdout.write(f"  {username:<10} {role}")
