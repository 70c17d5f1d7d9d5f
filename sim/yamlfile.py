"""Reading a YAML input file without its traps: one reader for scenarios and experiment files.

PyYAML's ``safe_load`` is safe from code execution but not from the mistakes a user actually
makes: a key written twice silently keeps the last value; a 1.4 KB file of nested aliases expands
to a billion nodes; a full-width colon (``horizon_days：250``, typed with a Chinese input method)
is reported a line late without naming it; a binary or UTF-16 file ends in ``UnicodeDecodeError``.
``read_yaml`` turns each into one ``InputError`` naming the file and the line. Hand-written on top
of PyYAML's composer because PyYAML has no option for any of these.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import InputError

MAX_BYTES = 20_000_000  # assumption: a scenario or experiment file is a few hundred KB; 20 MB bounds a wrong file
MAX_NODES = 2_000_000  # assumption: the largest embedded scenario expands to about 10^4 nodes; aliases may not blow it up

_FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_$][\w.$-]*)\s*([：，])")
_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's numbers: ``1e-3`` is a number (YAML 1.1 wants ``1.0e-3``
    and reads ``1e-3`` as text) and ``1:30`` is not base 60 (YAML 1.1 reads it as 90: a duration typed
    as 1 h 30 became 90 hours without a word)."""


_Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag not in (_INT, _FLOAT)]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(_INT, re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)"
                                               r"|[-+]?0x[0-9a-fA-F_]+)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
                                                 r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
                                                 r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


def read_yaml(path: str | Path, *, what: str = "file"):
    """The YAML document at ``path`` as plain Python data; every problem is one ``InputError``."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "<file>", f"is a folder, not a {what}")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise InputError(path, "<file>", f"cannot read: {e.strerror or e}") from None
    if len(data) > MAX_BYTES:
        raise InputError(path, "<file>", f"larger than {MAX_BYTES // 1_000_000} MB: not a {what}")
    return parse_yaml(decode(data, path, what), path)


def decode(data: bytes, path, what="file") -> str:
    """UTF-8 text (a UTF-8 byte-order mark is dropped), or one line saying what the bytes are instead."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(path, "<file>", "saved as UTF-16: save it as UTF-8 (编码选 UTF-8)")
    if b"\x00" in data:
        raise InputError(path, "<file>", f"binary data, not a YAML {what}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(path, f"line {line}", "not UTF-8 text (GBK? save it as UTF-8)") from None
    return text.removeprefix("\ufeff")


def parse_yaml(text: str, path="<text>"):
    """Parse ``text``: duplicate keys, full-width punctuation and alias bombs are errors."""
    _full_width(text, path)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise InputError(path, "<file>", "empty: no YAML document in it")
            _check_nodes(node, path)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "<file>"
        raise InputError(path, where, f"not valid YAML ({getattr(e, 'problem', None) or e})") from None
    except RecursionError:
        raise InputError(path, "<file>", "nested too deeply") from None


def _full_width(text, path):
    """A full-width colon or comma where YAML needs ``:`` or ``,`` (Chinese input method left on)."""
    for i, line in enumerate(text.splitlines(), 1):
        code = _QUOTED.sub("", line.split(" #", 1)[0] if not line.lstrip().startswith("#") else "")
        m = _FULLWIDTH_KEY.match(code)
        if m:
            mark = m.group(2)
            raise InputError(path, f"line {i}", f"full-width {'colon' if mark == '：' else 'comma'} {mark!r} after "
                                                f"{m.group(1)!r}: write {':' if mark == '：' else ','!r} instead")
        if ("[" in code or "{" in code) and ("，" in code or "：" in code):
            mark = "，" if "，" in code else "："
            raise InputError(path, f"line {i}", f"full-width {'comma' if mark == '，' else 'colon'} {mark!r} inside "
                                                f"[...] or {{...}}: write {',' if mark == '，' else ':'!r} instead")


def _check_nodes(root, path):
    """Duplicate keys (PyYAML keeps the last silently) and the size after alias expansion, in one
    walk over the composed graph: an alias is a shared node, so its expanded size is memoised."""
    size: dict[int, int] = {}
    active: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            if isinstance(node, SequenceNode):
                total = 1 + sum(size[id(c)] for c in node.value)
            elif isinstance(node, MappingNode):
                total = 1 + sum(size[id(k)] + size[id(v)] for k, v in node.value)
            else:
                total = 1
            if total > MAX_NODES:
                raise InputError(path, f"line {node.start_mark.line + 1}",
                                 f"aliases (*name) expand to more than {MAX_NODES:,} values: not a plausible input")
            size[key] = total
            continue
        if key in size:
            continue
        if key in active:
            raise InputError(path, f"line {node.start_mark.line + 1}", "an alias refers to itself (recursive anchor)")
        active.add(key)
        stack.append((node, True))
        if isinstance(node, MappingNode):
            seen = {}
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    if k.value in seen:
                        raise InputError(path, f"line {k.start_mark.line + 1}",
                                         f"key {k.value!r} given twice (first on line {seen[k.value]}); "
                                         "YAML would keep only the last")
                    seen[k.value] = k.start_mark.line + 1
                stack.append((k, False))
                stack.append((v, False))
        elif isinstance(node, SequenceNode):
            stack.extend((c, False) for c in node.value)


# keys that name things rather than set a value: not listed among a file's assumptions
NAMING_KEYS = ("id", "name", "body", "display_name", "description", "addressed_to")


def _comment(line: str) -> str:
    """The comment at the end of one line (after `` #`` outside quotes), or ''."""
    code = _QUOTED.sub(lambda m: "x" * len(m.group(0)), line)
    i = 0 if code.lstrip().startswith("#") else code.find(" #") + 1
    return line[i:].lstrip("#").strip() if i > 0 or code.lstrip().startswith("#") else ""


def commented_values(text: str, roots=("calendar", "horizon_days", "warmup_days", "variables", "workload", "params")):
    """The values a scenario file sets under ``roots``, each with the comment that gives its source: a
    list of ``{"key": dotted path, "value": as written, "comment": ..., "inherited": bool}``.

    Why: a report must show what each number rests on, and the sources live only in the file's comments
    (PyYAML drops them). A value's comment is the one at the end of its line, else the comment lines just
    above it, else its block's (``inherited``): the comment lines between a block's key and its first entry
    belong to the block. Workflows are named by their ids, other list items by their index; a flow-style
    ``{...}`` or ``[...]`` is one value (a workflow written as ``{id: ..., ...}`` is opened)."""
    lines = text.splitlines()
    out = []

    def last_line(node) -> int:
        """The last line a value is written on (a block's end mark may lie past the comments after it)."""
        if isinstance(node, ScalarNode) or node.flow_style or not node.value:
            return node.end_mark.line
        return last_line(node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1])

    def above(line: int, stop: int) -> str:
        """The comment lines directly above ``line`` and below ``stop`` (0-based), joined."""
        got, k = [], line - 1
        while k > stop and lines[k].lstrip().startswith("#"):
            got.append(lines[k].strip().lstrip("#").strip())
            k -= 1
        return " ".join(reversed(got))

    def has_id(node) -> bool:
        return isinstance(node, MappingNode) and any(isinstance(k, ScalarNode) and k.value == "id" for k, _ in node.value)

    def visit(key: str, at: int, node, prev: int, block: str) -> None:
        own = _comment(lines[at]) or above(at, prev)
        if isinstance(node, ScalarNode) or (node.flow_style and not has_id(node)):
            written = " ".join(text[node.start_mark.index:node.end_mark.index].split())
            out.append({"key": key, "value": written, "comment": own or block, "inherited": not own and bool(block)})
        else:
            walk(node, key, at, own or block)

    def walk(node, path: str, at: int, block: str) -> None:
        line = at
        if isinstance(node, MappingNode):
            for n, (k, v) in enumerate(node.value):
                kl = k.start_mark.line
                if k.value not in NAMING_KEYS:
                    if n == 0 and kl > at and not node.flow_style:  # the lines between the parent and its first entry
                        block = above(kl, at) or block
                        visit(f"{path}.{k.value}", kl, v, kl - 1, block)
                    else:
                        visit(f"{path}.{k.value}", kl, v, line, block)
                line = max(line, last_line(v))
        else:
            for i, item in enumerate(node.value):
                ids = [v.value for k, v in item.value if k.value == "id"] if has_id(item) else [i]
                visit(f"{path}[{ids[0]}]", item.start_mark.line, item, line, block)
                line = max(line, last_line(item))

    root = yaml.compose(text, Loader=_Loader)
    prev = -1
    for k, v in root.value if isinstance(root, MappingNode) else ():
        if k.value in roots:
            visit(k.value, k.start_mark.line, v, prev, "")
        prev = max(prev, last_line(v))
    return out
