"""Test helper: a scenario text with one value changed, for tables of bad inputs."""
import yaml

DELETE = object()


def mutate(text, path, value):
    """``text`` (YAML) with the value at a dotted path replaced, or deleted with ``DELETE``."""
    raw = yaml.safe_load(text)
    node = raw
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last = int(keys[-1]) if isinstance(node, list) else keys[-1]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
