"""Deterministic mutations of a real ``.keras`` archive: broken bytes, edited configs, and the
published shapes of Keras safe-mode bypasses, each aimed at code in ``tests/fuzz/canary.py``."""

from __future__ import annotations

import base64
import io
import json
import marshal
import zipfile

import numpy as np

CANARY = "tests.fuzz.canary"


def _canary_code() -> str:
    def payload(x):
        open(__import__("os").environ["KGAN_CANARY"], "a").write("lambda\n")
        return x

    return base64.b64encode(marshal.dumps(payload.__code__)).decode()


def _members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _pack(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _nodes(value, path=()):
    """Every (path, dict) in a JSON tree."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _nodes(v, (*path, i))


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    else:
        yield path, value


def _set(tree, path, value):
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


def _delete(tree, path):
    for key in path[:-1]:
        tree = tree[key]
    del tree[path[-1]]


# The published shapes of safe-mode bypasses (CVE-2024-3660 Lambda bytecode; CVE-2025-1550 module
# injection; CVE-2025-8747 keras.utils.get_file; CVE-2025-9906 enable_unsafe_deserialization inside
# the config), pointed at the canary.
def _function_ref(module: str, name: str) -> dict:
    return {"module": module, "class_name": "function", "config": name, "registered_name": "function"}


BYPASSES = {
    "lambda-bytecode": lambda: {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "fuzz_lambda", "function": {"class_name": "__lambda__", "config": {"code": _canary_code(), "defaults": None, "closure": None}}}, "registered_name": None},
    "module-injection-layer": lambda: {"module": CANARY, "class_name": "Canary", "config": {}, "registered_name": None},
    "module-injection-function": lambda: _function_ref(CANARY, "canary"),
    "builtins-exec": lambda: _function_ref("builtins", "exec"),
    "os-system": lambda: _function_ref("os", "system"),
    "get-file": lambda: _function_ref("keras.utils", "get_file"),
    "enable-unsafe": lambda: _function_ref("keras.config", "enable_unsafe_deserialization"),
    "registered-name": lambda: {"module": None, "class_name": "Canary", "config": {}, "registered_name": f"{CANARY}>Canary"},
    "main-module": lambda: _function_ref("__main__", "canary"),
}


def mutate(archive: bytes, rng: np.random.Generator, kind: str) -> bytes:
    """One mutant of ``archive`` of the given kind."""
    if kind == "truncate":
        return archive[: int(rng.integers(0, len(archive)))]
    if kind == "flip-bytes":
        data = bytearray(archive)
        for i in rng.integers(0, len(data), size=int(rng.integers(1, 32))):
            data[i] ^= int(rng.integers(1, 256))
        return bytes(data)
    members = _members(archive)
    if kind == "drop-member":
        del members[sorted(members)[int(rng.integers(0, len(members)))]]
        return _pack(members)
    if kind == "weights-bytes":
        data = bytearray(members["model.weights.h5"])
        for i in rng.integers(0, len(data), size=int(rng.integers(1, 64))):
            data[i] = int(rng.integers(0, 256))
        members["model.weights.h5"] = bytes(data)
        return _pack(members)
    config = json.loads(members["config.json"])
    nodes = [(p, n) for p, n in _nodes(config) if "class_name" in n]
    leaves = list(_leaves(config))
    if kind == "unknown-class":
        _, node = nodes[int(rng.integers(0, len(nodes)))]
        node["class_name"] = "NoSuchLayer" + str(int(rng.integers(0, 1000)))
    elif kind in ("bypass", "bypass-nested"):
        name = sorted(BYPASSES)[int(rng.integers(0, len(BYPASSES)))]
        path, _ = nodes[int(rng.integers(0, len(nodes)))]
        payload = BYPASSES[name]()
        if kind == "bypass-nested":  # the payload as a layer's activation or initializer
            holders = [(p, n) for p, n in _nodes(config) if any(k in n for k in ("activation", "kernel_initializer"))]
            if holders:
                p, n = holders[int(rng.integers(0, len(holders)))]
                key = "activation" if "activation" in n else "kernel_initializer"
                n[key] = payload
            else:
                _set(config, path, payload) if path else None
        elif path:
            _set(config, path, payload)
        else:
            config = payload
    elif kind == "huge-shape":
        sized = [(p, v) for p, v in leaves if p and p[-1] in ("units", "filters", "latent_dim", "fixed_latents", "num_classes") and isinstance(v, int)]
        sized += [(p, v) for p, v in leaves if len(p) >= 2 and p[-2] in ("batch_shape", "kernel_size", "shape") and isinstance(v, int)]
        if sized:
            path, _ = sized[int(rng.integers(0, len(sized)))]
            _set(config, path, int(10 ** int(rng.integers(6, 13))))
    elif kind == "wrong-weights":
        sized = [(p, v) for p, v in leaves if p and p[-1] in ("units", "filters") and isinstance(v, int)]
        path, value = sized[int(rng.integers(0, len(sized)))]
        _set(config, path, value + int(rng.integers(1, 5)))
    elif kind == "type-confusion":
        path, _ = leaves[int(rng.integers(0, len(leaves)))]
        choices = [None, -1, 0, 2**63, "x", [], {}, 1e308, float("nan"), True, [[1] * 3] * 3]
        _set(config, path, choices[int(rng.integers(0, len(choices)))])
    elif kind == "delete-key":
        path, _ = leaves[int(rng.integers(0, len(leaves)))]
        _delete(config, path)
    elif kind == "metadata":
        members["metadata.json"] = json.dumps({"keras_version": "99.0.0", "date_saved": None, "x": "\u0000" * int(rng.integers(0, 5))}).encode()
    else:
        raise ValueError(kind)
    members["config.json"] = json.dumps(config).encode() if kind != "metadata" else members["config.json"]
    return _pack(members)


KINDS = ("truncate", "flip-bytes", "drop-member", "weights-bytes", "unknown-class", "bypass", "bypass-nested", "huge-shape", "wrong-weights", "type-confusion", "delete-key", "metadata")
