"""The part of a notebook that some names depend on: a static slice of its cells.

The device run (device_checks.py) runs a submission a second time only to get its
graded classes with `np` bound to the device module. The notebook's demos (training
runs, plots, and with them `import matplotlib.pyplot`, a third of a worker's start) are
not needed for that, so the device run executes only the top-level statements the
graded names depend on.

The slice is conservative: a statement is dropped only when it binds and changes no name
the kept statements read (at top level or inside their functions and classes); assigning
to an attribute or item of a name, calling a method on it or passing it to a call counts
as changing it. Given the attribute names its caller uses, a method whose name neither
the caller nor any kept code uses (a `Trainer.plot` the device checks never reach) does
not pull in what it reads: the class still has it, but calling it could fail. Where the
code can reach names in ways a static reading does not see (`global`, `exec`, `eval`,
`globals()`, `setattr`, star imports, `sys`, a cell magic whose body is a string) nothing
is dropped; where it reaches attributes by a computed name (`getattr`, `__getattr__`)
every method counts. What a dropped statement does to objects through their own methods
(a demo that appends to a class attribute) is not carried over: the device run sees the
classes as defined, not as the demos left them.

Dropped statements become blank lines, so line numbers in tracebacks stay those of the
notebook.
"""
import ast
import symtable

# Reaching names through these defeats a static reading of the code.
OPAQUE_NAMES = frozenset({"globals", "locals", "vars", "eval", "exec", "compile", "setattr", "delattr",
                          "__import__", "sys", "builtins", "__builtins__", "importlib"})
OPAQUE_ATTRIBUTES = frozenset({"run_cell_magic", "__dict__", "__globals__"})
# Reaching attributes by a computed name: any method may then be called.
DYNAMIC_ATTRIBUTES = frozenset({"getattr", "attrgetter", "methodcaller", "__getattr__", "__getattribute__"})
# Decorators that only wrap a method; any other one may call it when the class is defined.
PLAIN_DECORATORS = frozenset({"property", "setter", "getter", "deleter", "staticmethod", "classmethod",
                              "abstractmethod"})
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
        self.dynamic = False  # reaches attributes by a computed name
        for node in nodes:
            for sub in ast.walk(node):
                _check_opaque(sub)
                self.dynamic = self.dynamic or _identifier(sub) in DYNAMIC_ATTRIBUTES
                if isinstance(sub, (ast.Attribute, ast.Subscript)) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                    self.binds.add(_root(sub))  # `Affine.backward = ...`, `table[key] = ...`
                elif isinstance(sub, ast.Call):
                    if isinstance(sub.func, ast.Attribute):
                        self.calls_on.add(_root(sub.func))  # `registry.append(...)` may change registry
                    # `add_backward(Sigmoid)` may change Sigmoid
                    self.calls_on.update(_name(arg) for arg in [*sub.args, *(k.value for k in sub.keywords)])
                elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                    self.modules.update((alias.asname or alias.name).split(".")[0] for alias in sub.names)
        # Methods that run only when called by name: {name: (globals they read, attributes they use)}.
        methods = {(node.lineno - first + 1, node.name): node for node in _methods(nodes)}
        outside = [*nodes, *(part for node in methods.values() for part in _defined_with(node))]
        self.attributes = _attributes(_walk_outside(outside, set(map(id, methods.values()))))
        self.methods = {}
        for node in methods.values():
            self.methods.setdefault(node.name, (set(), set()))[1].update(_attributes(_walk_outside(node.body, ())))
        table = symtable.symtable(source, "<cell>", "exec")
        self.reads = set()
        for child in table.get_children():
            is_class = child.get_type() == "class"
            self.reads |= _globals_read(child, own=True, skip=methods if is_class else ())
            for method in child.get_children() if is_class else ():
                if (method.get_lineno(), method.get_name()) in methods:
                    self.methods[method.get_name()][0].update(_globals_read(method, own=True))
        for symbol in table.get_symbols():
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                self.binds.add(symbol.get_name())
            if symbol.is_referenced():
                self.reads.add(symbol.get_name())


def _attributes(nodes):
    return {node.attr for node in nodes if isinstance(node, ast.Attribute)}


def _identifier(node):
    """The name a node spells: a variable, an attribute, a function or an imported name."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.alias)) else None


def _methods(nodes):
    """The methods of the classes among `nodes` that run only when called by their name: not
    the dunders Python calls itself, nor those behind a decorator that might call them, nor
    those the class body names (`fit = train` runs train under another name)."""
    for node in nodes:
        if not isinstance(node, ast.ClassDef):
            continue
        plain = [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and not (item.name.startswith("__") and item.name.endswith("__"))
                 and all(_decorator_name(d) in PLAIN_DECORATORS for d in item.decorator_list)]
        class_time = [*node.body, *(part for item in plain for part in _defined_with(item))]
        named = {sub.id for sub in _walk_outside(class_time, set(map(id, plain))) if isinstance(sub, ast.Name)}
        yield from (item for item in plain if item.name not in named)


def _defined_with(function):
    """What Python evaluates where a function is defined: decorators, defaults, annotations."""
    return [*function.decorator_list, function.args, *([function.returns] if function.returns else [])]


def _decorator_name(node):
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None


def _walk_outside(nodes, skipped):
    """Every node below `nodes` except the subtrees whose id() is in `skipped`."""
    stack = [node for node in nodes if id(node) not in skipped]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if id(child) not in skipped)


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


def _globals_read(table, own=False, skip=()):
    """Module-level names read inside the functions and classes of a symbol table (and in
    the table itself with `own`), leaving out the children keyed (line, name) in `skip`."""
    names = {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()} if own else set()
    for child in table.get_children():
        if (child.get_lineno(), child.get_name()) not in skip:
            names |= _globals_read(child, own=True)
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


def slice_cells(cells, names, whole=(), attributes=None):
    """The cells with every top-level statement that `names` do not depend on blanked out,
    except in the cells numbered in `whole` (from 0); the cells as they are when the code
    cannot be sliced safely. `attributes`: the attribute names the caller uses on what it
    gets from `names` (methods, attributes; dunders always count); None: every method may
    be called."""
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
    # Attribute names something may use, and the methods of kept classes no one uses yet.
    live = None if attributes is None or any(unit.dynamic for unit in units) else set()
    waiting = {}
    kept, wanted, used = set(), list(names), list(attributes or ())

    def keep(unit):
        wanted.extend(unit.reads)
        used.extend(unit.attributes)
        for method, (reads, attributes_used) in unit.methods.items():
            if live is None or method in live:
                wanted.extend(reads)
                used.extend(attributes_used)
            else:
                waiting.setdefault(method, []).append((reads, attributes_used))

    for position, unit in enumerate(units):
        if unit.always or unit.cell in whole:
            kept.add(position)
            keep(unit)
    seen = set()
    while wanted or used:  # each name once: linear in the notebook, however its names chain
        if used:
            attribute = used.pop()
            if live is not None and attribute not in live:
                live.add(attribute)
                for reads, attributes_used in waiting.pop(attribute, ()):
                    wanted.extend(reads)
                    used.extend(attributes_used)
            continue
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        for position in changed_by.get(name, ()):
            if position not in kept:
                kept.add(position)
                keep(units[position])
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
