"""Every user-facing string has a Chinese translation, and the compiled catalogue matches it."""

import ast
import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

PO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
IGNORE = ["node_modules/*", "var/*", "tests/*", ".venv/*", "tools/*", "screenshots/*"]
# The names under which makemessages (xgettext) finds translatable strings in Python.
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _need_gettext():
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    if os.environ.get("CI"):
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed to check the catalogue")
    pytest.skip("GNU gettext is not installed")


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path, monkeypatch):
    """Extract the strings afresh, merge into a copy of the catalogue: nothing may be missing.

    makemessages writes each file's strings into the catalogue of the nearest ``locale`` directory
    it knows, and the project's own is always among them when it runs in the project: it merged
    into the real catalogue and left the copy as it was (the check could not fail). So it runs in
    a mirror of the project, a link to each of its top-level entries but ``locale``, whose own
    ``locale`` holds the copy."""
    _need_gettext()
    mirror = tmp_path / "project"
    mirror.mkdir()
    for entry in settings.BASE_DIR.iterdir():
        if entry.name not in {"locale", ".git", ".venv", "node_modules", "var"}:
            (mirror / entry.name).symlink_to(entry)
    target = mirror / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    before = PO.read_bytes()
    monkeypatch.chdir(mirror)
    with override_settings(LOCALE_PATHS=[mirror / "locale"]):
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            ignore_patterns=IGNORE,
            verbosity=0,
            no_obsolete=True,
            symlinks=True,
        )
    assert PO.read_bytes() == before, "the check wrote into the project's catalogue"
    merged = polib.pofile(str(target / "django.po"))
    missing = [e.msgid for e in merged.untranslated_entries()]
    fuzzy = [e.msgid for e in merged.fuzzy_entries()]
    assert not missing, f"strings without a Chinese translation (run `make messages`): {missing[:20]}"
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:20]}"


def test_compiled_catalogue_matches_the_po_file():
    source = polib.pofile(str(PO))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(MO))}
    stale = [
        e.msgid
        for e in source.translated_entries()
        if compiled.get((e.msgctxt, e.msgid), (None, None))[0 if not e.msgid_plural else 1]
        != (e.msgstr if not e.msgid_plural else e.msgstr_plural)
    ]
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:10]}"


def test_placeholders_survive_translation():
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt is not installed")
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", os.devnull, str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_portal_speaks_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Joint ventures") != "Joint ventures"
        assert translation.gettext("Log in") != "Log in"


def test_translation_functions_keep_names_makemessages_extracts():
    """``gettext as _t`` translates at run time, but makemessages never sees the strings, so
    they never reach the catalogue and the page shows them in English."""
    skipped = {".venv", "node_modules", "var", "tests", "migrations", "screenshots", ".git"}
    aliased = []
    for path in settings.BASE_DIR.rglob("*.py"):
        if skipped & set(path.relative_to(settings.BASE_DIR).parts):
            continue
        # makemessages, run by another test in parallel, briefly writes "<template>.html.py" and
        # "<file>.txt.py" copies beside the files it reads: not code of the project.
        if Path(path.stem).suffix:
            continue
        try:
            source = path.read_text()
        except FileNotFoundError:
            continue
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                aliased += [
                    f"{path.relative_to(settings.BASE_DIR)}: {n.name} as {n.asname}"
                    for n in node.names
                    if n.asname and n.asname not in EXTRACTED_NAMES
                ]
    assert not aliased, aliased
