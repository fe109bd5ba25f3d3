"""Text that a submission influences (its file and folder names, exception messages, output),
made inert for each place the grader shows it.

- `valid_utf8`: lone surrogates (an exception message can hold one; a file name that is not
  UTF-8 arrives as Python's surrogate escapes) become visible escapes, so that any text can be
  written as UTF-8 and nothing stops a report from being written.
- `shown_name`: a file or folder name for people: not-UTF-8 bytes as `\\xNN`, control
  characters escaped.
- `terminal`: one line for a console or a CI log: no control character or escape sequence, no
  bidi override, and no GitHub workflow command (`::error::`, `##[group]`) at its start.
- `csv_cell`: a spreadsheet cell that cannot start a formula.
- `folder_name`: a name usable as one folder under the reports folder, distinct for distinct
  names, never hidden and never one of the batch's own files.
"""
import hashlib
import os
import re

# C0 and C1 controls, DEL, line and paragraph separators, bidi marks, overrides and isolates.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_COMMAND_START = re.compile(r"^(\s*)(::|##\[)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FOLDER_CHARS = re.compile(r"[^\w.+@,=()\[\] -]")
MAX_FOLDER_CHARS = 80


def valid_utf8(text):
    """`text` with every lone surrogate written as a backslash escape."""
    text = str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def strip_controls(text):
    """`text` as valid UTF-8 without control characters or bidi marks; tabs and newlines stay."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in "\t\n" else "", valid_utf8(text))


def _escape_controls(text):
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def _raw(name):
    """The bytes of a file name (str names hold undecodable bytes as surrogate escapes)."""
    if isinstance(name, bytes):
        return name
    try:
        return os.fsencode(name)
    except UnicodeEncodeError:  # a lone surrogate that is not a file-system escape
        return valid_utf8(name).encode("utf-8")


def shown_name(name):
    """A file or folder name as people should read it: bytes that are not UTF-8 as `\\xNN`."""
    return _escape_controls(_raw(name).decode("utf-8", "backslashreplace"))


def terminal(text):
    """One inert line for a console or a CI log."""
    line = _escape_controls(valid_utf8(text))
    return _COMMAND_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def csv_cell(value, multiline=False):
    """A CSV cell that a spreadsheet shows as text: numbers as they are, text that would start
    a formula behind an apostrophe (OWASP's advice for CSV injection). `multiline`: a paragraph
    of prose, whose line breaks stay (as `\n`; the CSV writer quotes the cell)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if multiline:
        lines = valid_utf8(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = "\n".join(_escape_controls(line) for line in lines)
    else:
        text = _escape_controls(valid_utf8(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def folder_name(name, reserved=()):
    """`name` itself when it is a plain, visible name not in `reserved` (compared without case);
    otherwise its safe characters plus a digest of the whole name, so that two names never
    share a folder."""
    shown = shown_name(name)
    plain = (shown == name and shown.strip() == shown and not shown.startswith(".")
             and len(shown) <= MAX_FOLDER_CHARS and not _FOLDER_CHARS.search(shown)
             and shown.lower() not in {r.lower() for r in reserved})
    if plain:
        return shown
    digest = hashlib.sha256(_raw(name)).hexdigest()[:10]
    safe = _FOLDER_CHARS.sub("_", shown).strip(" .")[:MAX_FOLDER_CHARS - 11]
    return f"{safe}-{digest}" if safe else digest
