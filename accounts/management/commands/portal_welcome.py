"""``manage.py portal_welcome``: `make run`'s last word. Wait until the web server answers, print its
address and the demo logins (so they are the last lines on screen, after the servers' own start-up
output), then stay up beside them: honcho stops every process when one ends."""

import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, LOGINS
from accounts.models import User
from core.demo import write_logins


class Command(BaseCommand):
    help = "Print the portal's address and the demo logins once the web server answers, then wait."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="Address to wait for (default: PORTAL_BASE_URL).")
        parser.add_argument("--timeout", type=float, default=120, help="Seconds to wait for the server.")
        parser.add_argument("--settle", type=float, default=2, help="Seconds to let the worker start too.")
        parser.add_argument("--once", action="store_true", help="Print and return instead of waiting.")

    def handle(self, *args, url=None, timeout=120, settle=2, once=False, **options):
        base = (url or settings.PORTAL_BASE_URL).rstrip("/")
        answered = self._wait_for(f"{base}/accounts/login/", timeout)
        time.sleep(settle)
        self.stdout.write("")
        if answered:
            self.stdout.write(self.style.SUCCESS(f"JV Portal is running: {base}/"))
        else:
            self.stdout.write(
                self.style.WARNING(f"JV Portal did not answer within {timeout:.0f} s at {base}/")
            )
        self.stdout.write(f"The Django admin: {base}/admin/")
        existing = set(
            User.objects.filter(username__in=[u for u, _w in LOGINS]).values_list("username", flat=True)
        )
        write_logins(self.stdout, [(u, w) for u, w in LOGINS if u in existing], DEMO_PASSWORD)
        self.stdout.write(
            "E-mails are printed here as they are sent. Ctrl-C stops the web server, the worker and beat."
        )
        if once:
            return
        while True:
            time.sleep(3600)

    @staticmethod
    def _wait_for(url: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return True
            except urllib.error.HTTPError:
                return True  # it answered
            except OSError:
                time.sleep(0.5)
        return False
