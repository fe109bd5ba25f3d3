"""The sentences a notebook's reader reads, as translation units, and a notebook translated by a
catalogue of them: Markdown cells paragraph by paragraph (fenced code and display math stay as
they are), and the comments and docstrings of code cells. The code itself never changes. A Markdown document
(the students' README) is cut and translated the same way.

    units(nb)                            # ["# Layers: backpropagation ...", "The chain rule says ...", ...]
    translate(nb, translations, "ko")    # a copy whose text is translations[unit]
    code_only(nb)                        # each code cell without its comments: equal across editions
    markdown_units(text), translate_markdown(text, translations)

nbgrader's own markers (`### BEGIN SOLUTION`, `# YOUR CODE HERE`, ...) are not text: nbgrader
reads them, so they stay in English in every edition.
"""
import ast
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


def _line_offsets(source):
    offsets, position = [0], 0
    for line in source.splitlines(keepends=True):
        position += len(line)
        offsets.append(position)
    return offsets


def _comments(source, offsets):
    """[(start, end, text, render)] of the code's comments a reader reads."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        text = token.string.lstrip("#").strip()
        if not text or NBGRADER_MARKERS.match(token.string) or not WORDS.search(text):
            continue
        start = offsets[token.start[0] - 1] + token.start[1]
        hashes = token.string[: len(token.string) - len(token.string.lstrip("#"))]
        found.append((start, start + len(token.string), text, lambda translated, hashes=hashes: f"{hashes} {' '.join(translated.split())}"))
    return found


def _without_magics(lines):
    """The cell's lines with IPython's magics and shell lines blanked (same line numbers)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _characters(line, utf8_offset):
    """ast's column (a UTF-8 byte offset into `line`) as a character offset."""
    return len(line.encode("utf-8")[:utf8_offset].decode("utf-8", errors="ignore"))


def _docstrings(source, offsets):
    """[(start, end, text, render)] of the docstrings of the code's functions and classes: the
    span is what lies between the quotes, the text its lines without their indentation."""
    lines = source.split("\n")
    found = []
    for node in ast.walk(ast.parse(_without_magics(lines))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not node.body:
            continue
        first = node.body[0]
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)):
            continue
        start = offsets[first.lineno - 1] + _characters(lines[first.lineno - 1], first.col_offset)
        end = offsets[first.end_lineno - 1] + _characters(lines[first.end_lineno - 1], first.end_col_offset)
        literal = source[start:end]
        quote = next(q for q in ('"""', "'''", '"', "'") if literal.lstrip("rRuU").startswith(q))
        start += len(literal) - len(literal.lstrip("rRuU")) + len(quote)
        end -= len(quote)
        inner = source[start:end]
        if not WORDS.search(inner) or "\\" in inner:
            continue  # nothing to read, or escapes a translator could break: left as it is
        indent = " " * first.col_offset
        body = inner.rstrip()
        rows = body.split("\n")
        text = "\n".join([rows[0].strip()] + [row[len(indent):] if row.startswith(indent) else row.strip()
                                               for row in rows[1:]])

        def render(translated, indent=indent, head=inner[: len(inner) - len(inner.lstrip())],
                   tail=inner[len(body):]):
            return head + "\n".join(translated.split("\n")[:1] + [indent + line if line else line
                                                                  for line in translated.split("\n")[1:]]) + tail
        found.append((start, end, text, render))
    return found


def _code_texts(source):
    """[(start, end, text, render)] of what a reader reads in a code cell, in order: comments and
    docstrings (render(translation) is the span's new source); [] when the cell is not Python
    that parses (IPython syntax beyond magics): it is then left as it is."""
    offsets = _line_offsets(source)
    try:
        return sorted(_comments(source, offsets) + _docstrings(source, offsets), key=lambda span: span[0])
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []


def _replace_code_texts(source, replacement):
    for start, end, text, render in reversed(_code_texts(source)):
        source = source[:start] + replacement(text, render) + source[end:]
    return source


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
            found += [text for _, _, text, _ in _code_texts(cell.source)]
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
            cell.source = _replace_code_texts(cell.source, lambda text, render: render(translations[text]))
    nb.metadata.setdefault("backprop_lab", {})["language"] = language
    return nb


def parses(source):
    """Whether a code cell is Python (its magics aside)."""
    try:
        ast.parse(_without_magics(source.split("\n")))
    except SyntaxError:
        return False
    return True


def code_only(nb):
    """Each code cell's source without its comments and docstrings, for comparing editions."""
    return ["\n".join(line.rstrip() for line in _replace_code_texts(cell.source, lambda text, render: "").split("\n"))
            for cell in nb.cells if cell.cell_type == "code"]
