"""An email backend for worker processes started by the tests: one file per message.

``tests/notifications/test_workers.py`` starts real Celery workers with
``TEST_EMAIL_BACKEND=tests.mail_backend.FileMailbox`` (read by ``jvportal.settings.test``) and
counts what they sent:

- ``JV_TEST_MAIL_DIR``: the folder. Each message becomes ``<notification id>.<pid>.<random>.eml``
  (the id from the ``X-JVPortal-Notification`` header), so a second email for the same
  notification is a second file, never an overwrite. A file appears whole (written under a
  temporary name, then renamed).
- ``JV_TEST_MAIL_DELAY``: seconds to wait before "the mail server accepts" a message, with an
  ``inflight-<id>.<pid>`` marker present meanwhile, so a test can kill a worker mid-send.
"""

import os
import time
import uuid

from django.core.mail.backends.base import BaseEmailBackend

HEADER = "X-JVPortal-Notification"


def eml_ids(folder) -> list[str]:
    """The notification id of every email file in ``folder``, one entry per file."""
    return sorted(name.split(".", 1)[0] for name in os.listdir(folder) if name.endswith(".eml"))


def inflight_ids(folder) -> set[str]:
    """Ids of the messages a worker is sending right now (inside the delay)."""
    return {
        name.removeprefix("inflight-").split(".", 1)[0]
        for name in os.listdir(folder)
        if name.startswith("inflight-")
    }


class FileMailbox(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.folder = os.environ["JV_TEST_MAIL_DIR"]
        self.delay = float(os.environ.get("JV_TEST_MAIL_DELAY") or 0)
        os.makedirs(self.folder, exist_ok=True)

    def send_messages(self, email_messages):
        for message in email_messages:
            self._write(message)
        return len(email_messages)

    def _write(self, message) -> None:
        ident = str(message.extra_headers.get(HEADER, "none"))
        pid = os.getpid()
        marker = os.path.join(self.folder, f"inflight-{ident}.{pid}")
        if self.delay:
            with open(marker, "w"):
                pass
            time.sleep(self.delay)
        name = f"{ident}.{pid}.{uuid.uuid4().hex}"
        temporary = os.path.join(self.folder, f".{name}.tmp")
        with open(temporary, "wb") as out:
            out.write(message.message().as_bytes())
        os.replace(temporary, os.path.join(self.folder, f"{name}.eml"))
        if self.delay:
            os.unlink(marker)
