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
