"""The language of every sentence a student or an instructor reads, through gettext catalogues.

English is the source text; `locale/<lang>/LC_MESSAGES/backprop_lab.po` at the top of the
checkout holds a translation (Babel extracts and updates it: `make i18n`), compiled into
`locale/<lang>/LC_MESSAGES/backprop_lab.mo` inside this package so that every place the package
goes (the student's kernel, the grader's judge, a Classroom repository) has it.

    from backprop_lab_check.i18n import _
    _("{name} passed").format(name=name)     # named placeholders, never sentences glued from parts

The language is chosen once per process (`use`), from, in order: an explicit choice (`--lang`),
`BACKPROP_LAB_LANG`, then the POSIX locale variables `LC_ALL`, `LC_MESSAGES`, `LANG`
(`ko_KR.UTF-8` is Korean); anything else is English.
"""
import contextlib
import gettext as _gettext
import os
from pathlib import Path

DOMAIN = "backprop_lab"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ko")
ENVIRONMENT = "BACKPROP_LAB_LANG"

_translations = _gettext.NullTranslations()
_language = SOURCE_LANGUAGE  # until use(): at the end of this module, the environment's


def add_language_argument(parser, what):
    """The `--lang` option of a command that grades: the language of `what`, by default chosen as
    `resolve()` and the notebooks' own metadata choose it."""
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help=f"the language of {what} (default: the notebook's own, else {ENVIRONMENT}, "
                             "LC_ALL, LC_MESSAGES or LANG, else English)")


def supported(value):
    """The supported language `value` names ("ko", "ko_KR.UTF-8", "ko-KR"), or None."""
    if not isinstance(value, str):
        return None
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def resolve(explicit=None, environ=None):
    """The language to use: `explicit` when it names a supported one, else the environment's."""
    environ = os.environ if environ is None else environ
    for value in (explicit, environ.get(ENVIRONMENT)):
        if supported(value):
            return supported(value)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):  # POSIX: the first one set decides, even when it says "C"
            return supported(environ[name]) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def translations(language):
    """The catalogue of `language` (English: the identity)."""
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def use(language=None):
    """Make `language` (default: `resolve()`) the language of this process's messages; returns it."""
    global _translations, _language
    _language = supported(language) or resolve()
    _translations = translations(_language)
    return _language


def current():
    return _language


@contextlib.contextmanager
def speaking(language):
    """Every message built inside in `language` (a report's); the language before it after."""
    previous = current()
    use(language)
    try:
        yield
    finally:
        use(previous)


def _(message):
    """`message` in the current language."""
    return _translations.gettext(message)


def ngettext(singular, plural, n):
    """The form of `singular`/`plural` for the count `n`, in the current language."""
    return _translations.ngettext(singular, plural, n)


def N_(message):
    """Marks `message` for the catalogue where it is defined; it is translated where it is shown."""
    return message


use()
