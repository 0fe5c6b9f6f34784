"""Route and validate requests against the discovery documents shipped in google-api-python-client.

The emulator is only as faithful as its checks: every request is matched to a discovery method
by HTTP method and URL path (host ignored, so any `api_endpoint` works), its path and query
parameters are typed and checked, and its JSON body is checked field by field against the
method's request schema. Anything Google would refuse is a 400 in Google's error shape.
Routes and schemas are compiled once per process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

from .api import HttpError, bad_request

APIS = ("calendar.v3", "drive.v3", "docs.v1", "sheets.v4", "gmail.v1")

# Parameters every Google API accepts on every method (system parameters).
STANDARD_PARAMS: dict[str, dict[str, Any]] = {
    name: {"type": "string", "location": "query"}
    for name in (
        "fields",
        "key",
        "quotaUser",
        "userIp",
        "oauth_token",
        "access_token",
        "upload_protocol",
        "uploadType",
        "callback",
        "$.xgafv",
        "alt",
    )
}
STANDARD_PARAMS["prettyPrint"] = {"type": "boolean", "location": "query"}

# Names Google still accepts (and ignores) although the v3 discovery documents no longer list
# them: Drive v2-era fields that gspread sends on everyday calls (`Spreadsheet.share`,
# `get_lastUpdateTime`). Accepted and dropped, as Google does; everything else unknown is a 400.
LEGACY_QUERY: dict[str, frozenset[str]] = {
    "drive.files.get": frozenset({"includeItemsFromAllDrives"}),
}
LEGACY_BODY: dict[str, frozenset[str]] = {
    "drive.permissions.create": frozenset({"withLink"}),
}

_TEMPLATE_VAR = re.compile(r"\{(\+?)([^}]+)\}")


@dataclass(frozen=True)
class Param:
    name: str
    location: str  # "path" or "query"
    type: str  # "string", "integer", "boolean", "number"
    repeated: bool = False
    required: bool = False
    enum: tuple[str, ...] | None = None


@dataclass
class Api:
    """One discovery document (e.g. calendar v3) and its schemas."""

    name: str
    version: str
    service_path: str
    batch_path: str
    schemas: dict[str, Any]

    def schema(self, ref: str) -> dict[str, Any]:
        return self.schemas[ref]  # type: ignore[no-any-return]


@dataclass
class Method:
    """One discovery method: what the router matched and what validation needs."""

    id: str
    api: Api
    http_method: str
    params: dict[str, Param]
    request_ref: str | None
    response_ref: str | None
    media_upload: bool = False
    required: tuple[str, ...] = ()
    enum_values: dict[str, frozenset[str]] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()  # the OAuth scopes that may call it (discovery's `scopes`)


@dataclass
class _Route:
    method: Method
    regex: re.Pattern[str]
    literal_len: int
    groups: dict[str, str]  # regex group name -> parameter name
    prefix: str  # the literal first path segments ("" if a variable comes first)


def _param_from(name: str, desc: dict[str, Any]) -> Param:
    enum = desc.get("enum")
    return Param(
        name=name,
        location=desc.get("location", "query"),
        type=desc.get("type", "string"),
        repeated=bool(desc.get("repeated")),
        required=bool(desc.get("required")),
        enum=tuple(enum) if enum else None,
    )


def _compile(template: str) -> tuple[re.Pattern[str], int]:
    """`calendars/{calendarId}/events` -> an anchored regex; `{+x}` may span slashes."""
    pattern, pos, literal = "", 0, 0
    for m in _TEMPLATE_VAR.finditer(template):
        chunk = template[pos : m.start()]
        pattern += re.escape(chunk)
        literal += len(chunk)
        group = re.sub(r"\W", "_", m.group(2))
        pattern += f"(?P<{group}>.+)" if m.group(1) else f"(?P<{group}>[^/]+)"
        pos = m.end()
    tail = template[pos:]
    pattern += re.escape(tail)
    literal += len(tail)
    return re.compile("^" + pattern + "$"), literal


PREFIX_SEGMENTS = 3


def _prefix(path: str) -> str:
    """The first segments of a path, the routing bucket; "" when a template variable is among them."""
    head = path.split("/", PREFIX_SEGMENTS)[:PREFIX_SEGMENTS]
    if len(head) < PREFIX_SEGMENTS or any("{" in seg or ":" in seg for seg in head):
        return ""
    return "/".join(head)


def _walk_methods(resource: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(resource.get("methods", {}).values())
    for sub in resource.get("resources", {}).values():
        out.extend(_walk_methods(sub))
    return out


def _load_document(name: str) -> dict[str, Any]:
    base = resources.files("googleapiclient") / "discovery_cache" / "documents"
    return json.loads((base / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class Discovery:
    """All routes of the emulated APIs, compiled once."""

    def __init__(self, names: tuple[str, ...] = APIS) -> None:
        self.apis: dict[str, Api] = {}
        self.methods: dict[str, Method] = {}
        self._routes: dict[str, list[_Route]] = {}
        self._buckets: dict[tuple[str, str], list[_Route]] = {}
        for doc_name in names:
            self._add_document(_load_document(doc_name))
        for http_method, routes in self._routes.items():
            routes.sort(key=lambda r: -r.literal_len)
            for route in routes:
                key = (http_method, route.prefix)
                self._buckets.setdefault(key, []).append(route)

    def _add_document(self, doc: dict[str, Any]) -> None:
        api = Api(
            name=doc["name"],
            version=doc["version"],
            service_path=doc.get("servicePath", ""),
            batch_path=doc.get("batchPath", "batch"),
            schemas=doc.get("schemas", {}),
        )
        self.apis[api.name] = api
        for desc in _walk_methods(doc):
            params = {n: _param_from(n, d) for n, d in desc.get("parameters", {}).items()}
            media = desc.get("mediaUpload", {}).get("protocols", {}).get("simple", {})
            method = Method(
                id=desc["id"],
                api=api,
                http_method=desc["httpMethod"].upper(),
                params=params,
                request_ref=(desc.get("request") or {}).get("$ref"),
                response_ref=(desc.get("response") or {}).get("$ref"),
                media_upload=bool(media),
                required=tuple(n for n, p in params.items() if p.required),
                scopes=tuple(s for s in desc.get("scopes", ()) if s),
            )
            self.methods[method.id] = method
            paths = {api.service_path + desc["path"]}
            if "flatPath" in desc:
                paths.add(api.service_path + desc["flatPath"])
            if media.get("path"):
                paths.add(media["path"].lstrip("/"))
            for path in paths:
                regex, literal = _compile(path)
                groups = {re.sub(r"\W", "_", n): n for n in params}
                self._routes.setdefault(method.http_method, []).append(
                    _Route(method, regex, literal, groups, _prefix(path))
                )

    # -- routing -----------------------------------------------------------------------------
    def match(self, http_method: str, path: str) -> tuple[Method, dict[str, str]]:
        """The method and raw (still percent-encoded) path parameters for a request path."""
        path = path.lstrip("/")
        http_method = http_method.upper()
        candidates = self._buckets.get((http_method, _prefix(path)), [])
        candidates = candidates + self._buckets.get((http_method, ""), [])
        for route in candidates:
            m = route.regex.match(path)
            if m is not None:
                names = route.groups
                return route.method, {names[g]: v for g, v in m.groupdict().items()}
        for other, routes in self._routes.items():
            if other != http_method.upper() and any(r.regex.match(path) for r in routes):
                raise HttpError(
                    405, "methodNotAllowed", f"Method {http_method} is not allowed for /{path}."
                )
        raise HttpError(404, "notFound", f"Not Found: /{path}")

    # -- parameters --------------------------------------------------------------------------
    def params(
        self, method: Method, path_values: dict[str, str], query: list[tuple[str, str]]
    ) -> dict[str, Any]:
        """Typed path + query parameters; 400 for unknown, missing or ill-typed ones."""
        out: dict[str, Any] = {}
        for name, raw in path_values.items():
            out[name] = _convert(method.params[name], unquote(raw))
        for name, raw in query:
            p = method.params.get(name)
            if p is None and name in LEGACY_QUERY.get(method.id, ()):
                continue
            if p is None or p.location == "path":
                std = STANDARD_PARAMS.get(name)
                if std is None:
                    raise HttpError(
                        400,
                        "badRequest",
                        f'Invalid JSON payload received. Unknown name "{name}": '
                        f"Cannot bind query parameter. Field '{name}' could not be found "
                        "in request message.",
                    )
                p = _param_from(name, std)
            value = _convert(p, raw)
            if p.repeated:
                out.setdefault(name, []).append(value)
            else:
                out[name] = value
        for name in method.required:
            if name not in out:
                raise HttpError(400, "required", f"Required parameter: {name}")
        return out

    # -- bodies ------------------------------------------------------------------------------
    def check_body(self, method: Method, body: Any) -> Any:
        """Check a parsed JSON body against the request schema (snake_case names accepted)."""
        if method.request_ref is None or body is None:
            return body
        if isinstance(body, dict):
            for legacy in LEGACY_BODY.get(method.id, ()):
                body.pop(legacy, None)
        root = _snake(method.request_ref)
        if method.request_ref.endswith("Request"):
            root = ""
        _check(method.api, {"$ref": method.request_ref}, body, root)
        return body

    # -- partial responses -------------------------------------------------------------------
    def selection(self, method: Method, fields: str) -> FieldTree:
        """Parse a `fields` selector and check its names against the response schema."""
        tree = parse_fields(fields)
        if method.response_ref is not None:
            _check_selection(method.api, {"$ref": method.response_ref}, tree)
        return tree


@lru_cache(maxsize=1)
def default_discovery() -> Discovery:
    """The process-wide compiled discovery (routes are immutable once built)."""
    return Discovery()


# -- parameter conversion ------------------------------------------------------------------------
def _convert(p: Param, raw: str) -> Any:
    if p.type == "integer":
        try:
            value: Any = int(raw)
        except ValueError:
            raise HttpError(
                400,
                "invalidParameter",
                f"Invalid value '{raw}' for parameter {p.name}: not an integer.",
            ) from None
    elif p.type == "number":
        try:
            value = float(raw)
        except ValueError:
            raise HttpError(
                400,
                "invalidParameter",
                f"Invalid value '{raw}' for parameter {p.name}: not a number.",
            ) from None
    elif p.type == "boolean":
        low = raw.lower()
        if low not in ("true", "false"):
            raise HttpError(
                400, "invalidBoolean", f"Invalid boolean value '{raw}' for parameter {p.name}."
            )
        value = low == "true"
    else:
        value = raw
    if p.enum is not None and p.name != "alt" and value not in p.enum:
        raise HttpError(400, "invalidParameter", f"Invalid value '{raw}' for parameter {p.name}.")
    if p.name == "alt" and value not in ("json", "media", "proto"):
        raise HttpError(400, "invalidParameter", f"Invalid value '{raw}' for parameter alt.")
    return value


# -- body checking ---------------------------------------------------------------------------------
_TYPE_NAMES = {
    "string": "TYPE_STRING",
    "integer": "TYPE_INT32",
    "number": "TYPE_DOUBLE",
    "boolean": "TYPE_BOOL",
    "object": "TYPE_MESSAGE",
    "array": "TYPE_MESSAGE",
}


@lru_cache(maxsize=4096)
def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@lru_cache(maxsize=4096)
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _invalid(path: str, schema: dict[str, Any], value: Any) -> HttpError:
    kind = _TYPE_NAMES.get(schema.get("type", "object"), "TYPE_MESSAGE")
    if schema.get("format") == "int64":
        kind = "TYPE_INT64"
    shown = json.dumps(value)[:80]
    where = f" at '{path}'" if path else ""
    return bad_request(f"Invalid value{where} ({kind}), {shown}", reason="invalid")


def _check(api: Api, schema: dict[str, Any], value: Any, path: str) -> None:
    ref = schema.get("$ref")
    if ref is not None:
        schema = api.schema(ref)
    if value is None:  # JSON null means "unset" for every field
        return
    kind = schema.get("type", "object")
    fmt = schema.get("format")
    if kind == "any":
        return
    if kind == "string":
        if isinstance(value, bool):
            raise _invalid(path, schema, value)
        if isinstance(value, int) and fmt in ("int64", "uint64"):
            return
        if not isinstance(value, str):
            raise _invalid(path, schema, value)
        enum = schema.get("enum")
        if enum and value not in enum:
            raise _invalid(path, schema, value)
        return
    if kind == "integer":
        if isinstance(value, bool):
            raise _invalid(path, schema, value)
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            return
        raise _invalid(path, schema, value)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _invalid(path, schema, value)
        if isinstance(value, str) and value not in ("NaN", "Infinity", "-Infinity"):
            try:
                float(value)
            except ValueError:
                raise _invalid(path, schema, value) from None
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _invalid(path, schema, value)
        return
    if kind == "array":
        if not isinstance(value, list):
            raise _invalid(path, schema, value)
        items = schema.get("items", {"type": "any"})
        for i, item in enumerate(value):
            _check(api, items, item, f"{path}[{i}]")
        return
    # object
    if not isinstance(value, dict):
        raise _invalid(path, schema, value)
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    if props is None and extra is None:
        return  # a free-form object
    for key in list(value):
        sub = props.get(key) if props else None
        if sub is None and props and "_" in key and _camel(key) in props:
            value[_camel(key)] = value.pop(key)  # proto JSON accepts the snake_case name
            key = _camel(key)
            sub = props[key]
        if sub is None:
            if extra is not None:
                _check(api, extra, value[key], _join(path, key))
                continue
            where = f" at '{path}'" if path else ""
            raise HttpError(
                400,
                "invalid",
                f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.',
            )
        _check(api, sub, value[key], _join(path, _snake(key)))


# -- partial response (`fields`) ---------------------------------------------------------------
FieldTree = dict[str, "FieldTree | None"]


_FIELD_PATH = re.compile(r"[A-Za-z0-9_*$@-]+(?:[/.][A-Za-z0-9_*$@-]+)*")


def parse_fields(text: str) -> FieldTree:
    """Parse `a,b/c,d(e,f/g)` into {"a": None, "b": {"c": None}, "d": {...}}; None = everything."""
    tree, pos = _parse_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise bad_request(f"Invalid field selection {text}", reason="invalidParameter")
    return tree


def _parse_list(text: str, pos: int) -> tuple[FieldTree, int]:
    tree: FieldTree = {}
    while True:
        m = _FIELD_PATH.match(text, pos)
        if m is None:
            raise bad_request(f"Invalid field selection {text}", reason="invalidParameter")
        names = re.split(r"[/.]", m.group(0))  # `a/b` and (proto APIs) `a.b` both nest
        pos = m.end()
        sub: FieldTree | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise bad_request(f"Invalid field selection {text}", reason="invalidParameter")
            pos += 1
        for name in reversed(names[1:]):
            sub = {name: sub}
        _merge(tree, names[0], sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return tree, pos


def _merge(tree: FieldTree, name: str, sub: FieldTree | None) -> None:
    if name not in tree:
        tree[name] = sub
        return
    old = tree[name]
    if old is None or sub is None:
        tree[name] = None
        return
    for key, value in sub.items():
        _merge(old, key, value)


def apply_fields(data: Any, tree: FieldTree | None) -> Any:
    """Keep only the selected fields (lists are filtered element by element)."""
    if tree is None:
        return data
    if isinstance(data, list):
        return [apply_fields(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    if "*" in tree:
        star = tree["*"]
        out = {k: apply_fields(v, star) for k, v in data.items()}
        for key, sub in tree.items():
            if key != "*" and key in data:
                out[key] = apply_fields(data[key], sub)
        return out
    return {key: apply_fields(data[key], sub) for key, sub in tree.items() if key in data}


def _check_selection(api: Api, schema: dict[str, Any], tree: FieldTree) -> None:
    ref = schema.get("$ref")
    if ref is not None:
        schema = api.schema(ref)
    while schema.get("type") == "array":
        schema = schema.get("items", {})
        if "$ref" in schema:
            schema = api.schema(schema["$ref"])
    props = schema.get("properties")
    if props is None or schema.get("additionalProperties") is not None:
        return
    for name in list(tree):
        sub = tree[name]
        if name == "*":
            continue
        if name not in props and _camel(name) in props:  # proto field masks take snake_case
            del tree[name]
            name = _camel(name)
            _merge(tree, name, sub)
        if name not in props:
            raise bad_request(f"Invalid field selection {name}", reason="invalidParameter")
        if sub is not None:
            _check_selection(api, props[name], sub)
