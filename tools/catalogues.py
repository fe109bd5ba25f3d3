"""`make i18n`: the message catalogues, with Babel.

    python tools/catalogues.py update   # extract every marked sentence of the sources into each
                                        # locale/<lang>/LC_MESSAGES/backprop_lab.po and compile it into
                                        # backprop_lab_check/locale/ (the runtime's copy); the text of
                                        # every solution notebook and of the students' README
                                        # (tools/notebook_text.py) into locale/<lang>/notebooks/<id>.po
                                        # and locale/<lang>/docs/students.po
    python tools/catalogues.py check    # exit 1, naming them, when an entry is missing, untranslated,
                                        # fuzzy, stale, or a compiled catalogue is older than its .po

Sentences are marked with `_()`, `ngettext()`, `N_()` (backprop_lab_check/i18n.py) in Python and
`_()` in the report templates; what is marked and how is set in babel.cfg.
"""
import argparse
import io
import re
import sys
from pathlib import Path

import nbformat
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import notebook_text  # noqa: E402
from backprop_lab_check.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE  # noqa: E402

MAPPING = ROOT / "babel.cfg"
SOURCES = ROOT / "locale"
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
MARKUP = re.compile(r"`[^`]+`|\$\$?[^$]+\$\$?|\]\([^)\s]+\)")
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
    for folder in ("grader", "backprop_lab_check", "tools"):
        for filename, lineno, message, comments, context in extract_from_dir(
                ROOT / folder, method_map, options_map, comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def _po_bytes(catalog, sort=True):
    """The .po text: messages sorted, a notebook's units in the notebook's order (a translator
    reads them as a student does)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, no_location=True, sort_output=sort, omit_header=False)
    return buffer.getvalue()


def _mo_bytes(catalog):
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def read(path, locale=None):
    with open(path, "rb") as fileobj:
        return read_po(fileobj, locale=locale, domain=DOMAIN)


STUDENT_README = ROOT / "docs" / "students.md"  # the Classroom template's README.md


def solutions():
    return sorted((ROOT / "solutions").glob("*.ipynb"))


def texts():
    """{catalogue name: (what it is, its units in order)} of the texts translated unit by unit
    (tools/notebook_text.py): every solution notebook and the students' README."""
    found = {f"notebooks/{solution.stem}": (f"the notebook {solution.name}", lambda solution=solution:
                                             notebook_text.units(nbformat.read(solution, as_version=4)))
             for solution in solutions()}
    found["docs/students"] = ("the students' README (docs/students.md)",
                              lambda: notebook_text.markdown_units(STUDENT_README.read_text(encoding="utf-8")))
    return found


def text_po_path(language, name):
    return SOURCES / language / f"{name}.po"


def text_template(units):
    catalog = Catalog(project="backprop-lab", charset="utf-8", fuzzy=False)
    for unit in units:
        catalog.add(unit)
    return catalog


def translations(language, name):
    """{unit: translation} of the text `name` (see texts()) in `language`; empty without a catalogue."""
    path = text_po_path(language, name)
    if not path.exists():
        return {}
    return {message.id: message.string for message in read(path, language)
            if message.id and message.string and not message.fuzzy}


def _merge(path, template, language, about, sort=True):
    """The catalogue at `path` updated to `template`'s entries (new ones empty, gone ones
    dropped), written back."""
    catalog = read(path, language) if path.exists() else \
        Catalog(locale=language, domain=DOMAIN, project="backprop-lab", charset="utf-8", fuzzy=False)
    template.creation_date = catalog.creation_date  # the header changes only when a translator's work does
    catalog.header_comment = (f"# The {Locale(language).english_name} catalogue of {about}: edit the msgstr lines, "
                              f"then run `make i18n`.\n# Terms follow locale/{language}/glossary.md.")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()  # a sentence the sources no longer have is gone, not kept commented out
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(catalog, sort))
    entries = [message for message in catalog if message.id]
    missing = sum(1 for message in entries if not message.string)
    print(f"{path.relative_to(ROOT)}: {len(entries)} entries, {missing} untranslated")
    return catalog


def update():
    template = extract()
    for language in TRANSLATED:
        catalog = _merge(po_path(language), template, language, "backprop-lab's messages")
        mo_path(language).parent.mkdir(parents=True, exist_ok=True)
        mo_path(language).write_bytes(_mo_bytes(catalog))
        for name, (about, units) in texts().items():
            _merge(text_po_path(language, name), text_template(units()), language, about, sort=False)


def markup(text):
    """What a translation must keep as it is: code spans, math and link targets."""
    return sorted(" ".join(found.split()) for found in MARKUP.findall(text or ""))  # a span may wrap a line


def _entry_problems(where, catalog, wanted, keeps):
    """Missing, stale, untranslated and fuzzy entries of `catalog`, and translations where
    keeps(msgid) != keeps(msgstr)."""
    found = []
    have = {message.id for message in catalog if message.id}
    for msgid in sorted(wanted - have, key=str):
        found.append(f"{where}: no entry for {msgid[:80]!r} (run `make i18n`, then translate it)")
    for msgid in sorted(have - wanted, key=str):
        found.append(f"{where}: stale entry {msgid[:80]!r}, which no source uses (run `make i18n`)")
    for message in catalog:
        if not message.id or message.id not in wanted:
            continue
        if not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            found.append(f"{where}: {message.id[:80]!r} is not translated")
        elif message.fuzzy:
            found.append(f"{where}: {message.id[:80]!r} is marked fuzzy")
        elif any(keeps(form) != keeps(forms(message.id)[-1]) for form in forms(message.string)):
            found.append(f"{where}: the translation of {forms(message.id)[-1][:80]!r} changes "
                         f"{keeps(forms(message.id)[-1])} into {[keeps(form) for form in forms(message.string)]}")
    return found


def problems():
    """What is wrong with the catalogues, one sentence each."""
    found = []
    wanted = {message.id for message in extract() if message.id}
    for language in TRANSLATED:
        path = po_path(language)
        if not path.exists():
            found.append(f"{path.relative_to(ROOT)} is missing: run `make i18n`")
            continue
        catalog = read(path, language)
        found += _entry_problems(language, catalog, wanted, placeholders)
        compiled = mo_path(language)
        if not compiled.exists() or compiled.read_bytes() != _mo_bytes(catalog):
            found.append(f"{compiled.relative_to(ROOT)} is not compiled from {path.relative_to(ROOT)}: run `make i18n`")
        for name, (about, units) in texts().items():
            path = text_po_path(language, name)
            if not path.exists():
                found.append(f"{path.relative_to(ROOT)} is missing: run `make i18n`, then translate it")
                continue
            found += _entry_problems(f"{language} {name}", read(path, language), set(units()), markup)
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
