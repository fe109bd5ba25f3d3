"""`make i18n`: the message catalogues, with Babel.

    python tools/i18n.py update    # extract every marked sentence of the sources, merge them into
                                   # each locale/<lang>/LC_MESSAGES/backprop_lab.po,
                                   # compile each .po into backprop_lab_check/locale/ (the runtime's copy)
    python tools/i18n.py check     # exit 1, naming them, when an entry is missing, untranslated,
                                   # fuzzy, stale, or a compiled catalogue is older than its .po

Sentences are marked with `_()`, `ngettext()`, `N_()` (backprop_lab_check/i18n.py) in Python and
`_()` in the report templates; what is marked and how is set in babel.cfg.
"""
import argparse
import io
import re
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backprop_lab_check.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE  # noqa: E402

MAPPING = ROOT / "babel.cfg"
SOURCES = ROOT / "locale"
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}|%\((\w+)\)")  # {name}, {name:.3g} and %(name)s


def placeholders(text):
    return sorted(brace or percent for brace, percent in PLACEHOLDER.findall(text or ""))


def forms(text):
    """The forms of a message's id or string: one, or (singular, plural) and its translation's
    forms for an ngettext() entry."""
    return list(text) if isinstance(text, tuple) else [text]


def po_path(language):
    return SOURCES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _method_map():
    from babel.messages.frontend import parse_mapping_cfg
    with open(MAPPING, encoding="utf-8") as fileobj:
        return parse_mapping_cfg(fileobj)


def extract():
    """Every marked sentence of the sources, as a Catalog (the .pot)."""
    method_map, options_map = _method_map()
    catalog = Catalog(project="backprop-lab", charset="utf-8", fuzzy=False)
    for folder in ("grader", "backprop_lab_check"):
        for filename, lineno, message, comments, context in extract_from_dir(
                ROOT / folder, method_map, options_map, comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def _po_bytes(catalog):
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, no_location=True, sort_output=True, omit_header=False)
    return buffer.getvalue()


def _mo_bytes(catalog):
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def read(path, locale=None):
    with open(path, "rb") as fileobj:
        return read_po(fileobj, locale=locale, domain=DOMAIN)


def update():
    template = extract()
    for language in TRANSLATED:
        path = po_path(language)
        catalog = read(path, language) if path.exists() else \
            Catalog(locale=language, domain=DOMAIN, project="backprop-lab", charset="utf-8", fuzzy=False)
        template.creation_date = catalog.creation_date  # the header changes only when a translator's work does
        catalog.header_comment = (f"# The {Locale(language).english_name} catalogue of backprop-lab: edit the msgstr lines, then run "
                                  "`make i18n`.\n# Terms follow locale/{language}/glossary.md.".replace("{language}", language))
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()  # a sentence the sources no longer have is gone, not kept commented out
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_bytes(catalog))
        mo_path(language).parent.mkdir(parents=True, exist_ok=True)
        mo_path(language).write_bytes(_mo_bytes(catalog))
        missing = sum(1 for message in catalog if message.id and not message.string)
        print(f"{language}: {len(catalog) - 1} messages, {missing} untranslated")


def problems():
    """What is wrong with the catalogues, one sentence each."""
    found = []
    wanted = {message.id for message in extract() if message.id}
    for language in TRANSLATED:
        path = po_path(language)
        if not path.exists():
            return [f"{path.relative_to(ROOT)} is missing: run `make i18n`"]
        catalog = read(path, language)
        have = {message.id for message in catalog if message.id}
        for msgid in sorted(wanted - have, key=str):
            found.append(f"{language}: no entry for {msgid!r} (run `make i18n`, then translate it)")
        for msgid in sorted(have - wanted, key=str):
            found.append(f"{language}: stale entry {msgid!r}, which no source uses (run `make i18n`)")
        for message in catalog:
            if message.id and message.id in wanted and not message.string or \
                    (isinstance(message.string, tuple) and not all(message.string)):
                found.append(f"{language}: {message.id!r} is not translated")
            elif message.id and message.fuzzy:
                found.append(f"{language}: {message.id!r} is marked fuzzy")
            elif message.id and any(placeholders(form) != placeholders(forms(message.id)[-1])
                                    for form in forms(message.string)):
                found.append(f"{language}: {message.id!r} and its translation name different placeholders "
                             f"({placeholders(forms(message.id)[-1])} against "
                             f"{[placeholders(form) for form in forms(message.string)]})")
        compiled = mo_path(language)
        if not compiled.exists() or compiled.read_bytes() != _mo_bytes(catalog):
            found.append(f"{compiled.relative_to(ROOT)} is not compiled from {path.relative_to(ROOT)}: run `make i18n`")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "check"])
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
        return 0
    found = problems()
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
