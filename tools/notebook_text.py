"""The sentences a notebook's reader reads, as translation units, and a notebook translated by a
catalogue of them: Markdown cells paragraph by paragraph (fenced code and display math stay as
they are), and the comments of code cells. The code itself never changes. A Markdown document
(the students' README) is cut and translated the same way.

    units(nb)                            # ["# Layers: backpropagation ...", "The chain rule says ...", ...]
    translate(nb, translations, "ko")    # a copy whose text is translations[unit]
    code_only(nb)                        # each code cell without its comments: equal across editions
    markdown_units(text), translate_markdown(text, translations)

nbgrader's own markers (`### BEGIN SOLUTION`, `# YOUR CODE HERE`, ...) are not text: nbgrader
reads them, so they stay in English in every edition.
"""
import copy
import io
import re
import tokenize

NBGRADER_MARKERS = re.compile(r"^#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)\b|^#\s*YOUR (CODE|ANSWER) HERE\b")
FENCE = re.compile(r"^\s*(```|~~~)")
WORDS = re.compile(r"[^\W\d_]{2,}")  # a unit needs a word to translate, not only symbols or math


class Untranslated(Exception):
    """The catalogue has no translation for some of the notebook's units (listed in .units)."""

    def __init__(self, units):
        super().__init__(f"{len(units)} untranslated: " + "; ".join(repr(u[:60]) for u in units[:5]))
        self.units = units


def _blocks(markdown):
    """The Markdown's blocks, separated by blank lines, each fenced code or $$ math block whole:
    [(text, translatable)]."""
    blocks, current, fenced, math = [], [], False, False

    def close():
        if current:
            text = "\n".join(current)
            blocks.append((text, bool(WORDS.search(text)) and not text.lstrip().startswith(("```", "~~~", "$$"))))
            current.clear()

    for line in markdown.split("\n"):
        if FENCE.match(line):
            if not fenced:
                close()
            current.append(line)
            fenced = not fenced
            if not fenced:
                close()
            continue
        if not fenced and line.strip() == "$$":
            if not math:
                close()
            current.append(line)
            math = not math
            if not math:
                close()
            continue
        if not fenced and not math and not line.strip():
            close()
            blocks.append(("", False))
            continue
        current.append(line)
    close()
    return blocks


def _comments(source):
    """[(start, end, text)] of the code's comments a reader reads (offsets into `source`), or
    None when the cell does not tokenize (IPython syntax): it is then left as it is."""
    offsets, position = [0], 0
    for line in source.splitlines(keepends=True):
        position += len(line)
        offsets.append(position)
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            text = token.string.lstrip("#").strip()
            if not text or NBGRADER_MARKERS.match(token.string) or not WORDS.search(text):
                continue
            start = offsets[token.start[0] - 1] + token.start[1]
            found.append((start, start + len(token.string), text))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return found


def markdown_units(text):
    """The translation units of a Markdown text, in order."""
    return [block for block, translatable in _blocks(text) if translatable]


def _check_complete(found, translations):
    missing = [unit for unit in dict.fromkeys(found) if not translations.get(unit)]
    if missing:
        raise Untranslated(missing)


def translate_markdown(text, translations):
    """The Markdown text with every unit replaced by `translations[unit]`; Untranslated when
    some unit has none."""
    _check_complete(markdown_units(text), translations)
    return "\n".join(translations[block] if translatable else block for block, translatable in _blocks(text))


def units(nb):
    """Every translation unit of the notebook, in order, each once."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += markdown_units(cell.source)
        elif cell.cell_type == "code":
            found += [text for _, _, text in _comments(cell.source) or []]
    return list(dict.fromkeys(found))


def translate(nb, translations, language):
    """A copy of `nb` with every unit replaced by `translations[unit]` (a dict) and the
    notebook's language set; Untranslated when some unit has none."""
    _check_complete(units(nb), translations)
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, translations)
        elif cell.cell_type == "code":
            source = cell.source
            for start, end, text in reversed(_comments(source) or []):
                prefix = source[start:end][: len(source[start:end]) - len(source[start:end].lstrip("#"))]
                source = source[:start] + f"{prefix} {translations[text]}" + source[end:]
            cell.source = source
    nb.metadata.setdefault("backprop_lab", {})["language"] = language
    return nb


def code_only(nb):
    """Each code cell's source without its comments, for comparing editions."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            source = cell.source
            for start, end, _ in reversed(_comments(source) or []):
                source = source[:start] + source[end:]
            cells.append("\n".join(line.rstrip() for line in source.split("\n")))
    return cells
