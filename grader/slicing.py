"""The part of a notebook that some names depend on: a static slice of its cells.

The device run (device_checks.py) runs a submission a second time only to get its
graded classes with `np` bound to the device module. The notebook's demos (training
runs, plots, and with them `import matplotlib.pyplot`, a third of a worker's start) are
not needed for that, so the device run executes only the top-level statements the
graded names depend on.

The slice is conservative: a statement is dropped only when it binds and changes no name
the kept statements read (at top level or inside their functions and classes); assigning
to an attribute or item of a name, calling a method on it or passing it to a call counts
as changing it. Where the code can reach names in ways a static reading does not see
(`global`, `exec`, `eval`, `globals()`, `setattr`, star imports, `sys`, a cell magic whose
body is a string) nothing is dropped. What a dropped statement does to objects through their own methods (a demo that
appends to a class attribute) is not carried over: the device run sees the classes as
defined, not as the demos left them.

Dropped statements become blank lines, so line numbers in tracebacks stay those of the
notebook.
"""
import ast
import symtable

# Reaching names through these defeats a static reading of the code.
OPAQUE_NAMES = frozenset({"globals", "locals", "vars", "eval", "exec", "compile", "setattr", "delattr",
                          "__import__", "sys", "builtins", "__builtins__", "importlib"})
OPAQUE_ATTRIBUTES = frozenset({"run_cell_magic", "__dict__", "__globals__"})
# Past this many top-level statements the slice would cost the judge more than it saves.
MAX_STATEMENTS = 5000
# Line breaks that str.splitlines() knows and the parser does not (line numbers would differ).
ODD_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class _Opaque(Exception):
    """The code reaches names in a way a static slice cannot follow."""


class _Unit:
    """One top-level statement (or several sharing a line) and the names it involves."""

    def __init__(self, cell, first, last, nodes, source):
        self.cell, self.first, self.last = cell, first, last
        self.always = any(isinstance(node, ast.ImportFrom) and node.module == "__future__" for node in nodes)
        self.binds, self.calls_on, self.modules = set(), set(), set()
        for node in nodes:
            for sub in ast.walk(node):
                _check_opaque(sub)
                if isinstance(sub, (ast.Attribute, ast.Subscript)) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                    self.binds.add(_root(sub))  # `Affine.backward = ...`, `table[key] = ...`
                elif isinstance(sub, ast.Call):
                    if isinstance(sub.func, ast.Attribute):
                        self.calls_on.add(_root(sub.func))  # `registry.append(...)` may change registry
                    # `add_backward(Sigmoid)` may change Sigmoid
                    self.calls_on.update(_name(arg) for arg in [*sub.args, *(k.value for k in sub.keywords)])
                elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                    self.modules.update((alias.asname or alias.name).split(".")[0] for alias in sub.names)
        table = symtable.symtable(source, "<cell>", "exec")
        self.reads = _globals_read(table)
        for symbol in table.get_symbols():
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                self.binds.add(symbol.get_name())
            if symbol.is_referenced():
                self.reads.add(symbol.get_name())


def _check_opaque(node):
    if isinstance(node, ast.Global):
        raise _Opaque("global")
    if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
        raise _Opaque("star import")
    if isinstance(node, ast.Name) and node.id in OPAQUE_NAMES:
        raise _Opaque(node.id)
    if isinstance(node, ast.Attribute) and node.attr in OPAQUE_ATTRIBUTES:
        raise _Opaque(node.attr)


def _root(node):
    """The name an attribute or item chain starts from; None past a call (`Sigmoid().forward`
    works on a new object; the call itself is looked at on its own)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _name(node):
    node = node.value if isinstance(node, ast.Starred) else node
    return node.id if isinstance(node, ast.Name) else None


def _globals_read(table):
    """Module-level names read from inside the functions and classes of a symbol table."""
    names = set()
    for child in table.get_children():
        names.update(s.get_name() for s in child.get_symbols() if s.is_global() and s.is_referenced())
        names |= _globals_read(child)
    return names


def _statements(source):
    """[first line, last line, nodes] for each top-level statement (statements that share a
    line count as one)."""
    if any(mark in source for mark in ODD_LINE_BREAKS):
        raise _Opaque("line breaks")
    groups = []
    for node in ast.parse(source).body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if groups and first <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], node.end_lineno)
            groups[-1][2].append(node)
        else:
            groups.append([first, node.end_lineno, [node]])
    return groups


def slice_cells(cells, names, whole=()):
    """The cells with every top-level statement that `names` do not depend on blanked out,
    except in the cells numbered in `whole` (from 0); the cells as they are when the code
    cannot be sliced safely."""
    try:
        statements = [(index, *group) for index, source in enumerate(cells) for group in _statements(source)]
        if len(statements) > MAX_STATEMENTS:
            return list(cells)
        lines = [source.split("\n") for source in cells]
        units = [_Unit(index, first, last, nodes, "\n".join(lines[index][first - 1:last]) + "\n")
                 for index, first, last, nodes in statements]
    except (_Opaque, SyntaxError, ValueError, RecursionError, MemoryError):
        return list(cells)
    modules = set().union(*(unit.modules for unit in units))
    changed_by = {}  # name -> the statements that bind or may change it
    for position, unit in enumerate(units):
        # a call on an imported module (`np.random.seed(0)`, `plt.show()`) does not change it
        for name in unit.binds | (unit.calls_on - modules):
            changed_by.setdefault(name, []).append(position)
    kept = {position for position, unit in enumerate(units) if unit.always or unit.cell in whole}
    wanted = [*names, *(name for position in kept for name in units[position].reads)]
    seen = set()
    while wanted:  # each name once: linear in the notebook, however its names chain
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        for position in changed_by.get(name, ()):
            if position not in kept:
                kept.add(position)
                wanted.extend(units[position].reads)
    for position, unit in enumerate(units):
        if position not in kept:
            lines[unit.cell][unit.first - 1:unit.last] = [""] * (unit.last - unit.first + 1)
    return ["\n".join(cell) for cell in lines]


def only_a_tail_dropped(sliced, whole):
    """Whether slicing left out only statements after every statement it kept in this cell:
    the sliced cell then runs the same code as the whole cell up to where it stops."""
    for position, (line, original) in enumerate(zip(sliced.split("\n"), whole.split("\n"))):
        if line != original:
            return all(not rest.strip() or rest.lstrip().startswith("#")
                       for rest in sliced.split("\n")[position:])
    return True
