"""Issue 14: every refusal a service or the domain can raise reaches a person in words.

The screens turn a refusal into words by its `code` (`error.<code>` in the catalogue, see
`kenttä.services.refusal_words.refusal_text`, which the screens' error_text and the
command line's human output share); a refusal without a code, or whose code has no words, reads
only "not accepted" on a Finnish or Swedish screen. This walks the source with `ast`: every
construction of a ValueError (or a subclass) in `services/` and `domain/` is found, its class
resolved by importing the module, and its code read from the call.

- A literal code (or a class's default, when a call leaves the code out) must have words in
  fi, sv and en (identifier codes: `validation.<code>`, which error_text shows first), with no
  placeholder but those error_text fills (`{field}`).
- A code that is not a literal must forward a caught error's `.code` (whose own raise sites
  are checked here too), or be a choice between literals.
- In any module the UI imports (directly, transitively or through a package's lazy exports),
  a ValueError without a code (a bare ValueError, a class with no `code`, or one left to its
  default) is refused: the caseworker would be told nothing.
- A model's own check names the field at fault: every field of a record has words.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Formatter

import kenttä
from kenttä.i18n import LANGUAGES, catalogue

SRC = Path(kenttä.__file__).parent
SCANNED = ("services", "domain")
IDENTIFIER_CODES = ("hetu_", "ytunnus_", "municipality_", "postal_")  # validation_message
FILLED = {
    "field"
}  # the values error_text gives `error.<code>` (services/refusal_words.py `_values`)
NOT_A_REFUSAL = {"PermissionDenied"}  # error_text words it by its action (`permission.<a>`)


def _scanned(name: str) -> bool:
    parts = name.split(".")
    return len(parts) > 1 and parts[1] in SCANNED


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


@cache
def _tree(name: str) -> ast.Module:
    return ast.parse(_modules()[name].read_text(encoding="utf-8"))


def _lazy_exports(package: str) -> dict[str, str]:
    """A package's `_EXPORTS = {"name": "module", …}` (see services/_lazy.py)."""
    if package not in _modules():
        return {}
    for node in _tree(package).body:
        if (
            isinstance(node, ast.Assign)
            and any(getattr(t, "id", "") == "_EXPORTS" for t in node.targets)
            and isinstance(node.value, ast.Dict)
        ):
            return {
                k.value: v.value
                for k, v in zip(node.value.keys, node.value.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
            }
    return {}


def _imported(name: str) -> set[str]:
    """The kenttä modules `name` imports (anywhere in it, lazily or not)."""
    modules = _modules()
    is_package = modules[name].name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found.add(base)
            lazy = _lazy_exports(base)
            for alias in node.names:
                found.add(f"{base}.{alias.name}")
                if alias.name in lazy:
                    found.add(f"{base}.{lazy[alias.name]}")
    if is_package:  # a package's lazy names are its modules' (`package.name` on use)
        found.update(f"{name}.{m}" for m in _lazy_exports(name).values())
    return {m for m in found if m in modules}


@cache
def _reachable_from_ui() -> frozenset[str]:
    seen: set[str] = set()
    todo = [m for m in _modules() if m.startswith("kenttä.ui")]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(_imported(name))
    return frozenset(m for m in seen if m in _modules())


@cache
def _value_errors() -> dict[str, type]:
    """Every ValueError subclass the scanned modules define or use, by name."""
    for name in _modules():
        if _scanned(name):
            importlib.import_module(name)
    found: dict[str, type] = {"ValueError": ValueError}
    todo = [ValueError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith(("kenttä", "kenttä_sync")):
                found.setdefault(sub.__name__, sub)
            todo.append(sub)
    return found


def _resolve(module: object, func: ast.expr) -> type | None:
    """The ValueError class a call constructs, if it constructs one."""
    chain: list[str] = []
    while isinstance(func, ast.Attribute):
        chain.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    chain.insert(0, func.id)
    obj: object = module
    for part in chain:
        obj = getattr(obj, part, None)
        if obj is None:
            break
    if isinstance(obj, type):
        return obj if issubclass(obj, ValueError) else None
    return _value_errors().get(chain[-1])  # imported inside a function


@dataclass(frozen=True)
class Site:
    where: str  # services/x.py:12
    cls: str
    code: ast.expr | None  # None: the class takes no code, or the call leaves it out
    default: str | None  # the class's own code when a call leaves it out
    reachable: bool


def _code_argument(cls: type, call: ast.Call) -> tuple[str | None, ast.expr | None]:
    """(the class's default code, the expression the call gives as its code)."""
    try:
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return None, None
    names = [p.name for p in parameters]
    if "code" not in names:
        return None, None
    index = names.index("code")
    default = parameters[index].default
    default = default if isinstance(default, str) else None
    for keyword in call.keywords:
        if keyword.arg == "code":
            return default, keyword.value
    positional = parameters[index].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )
    if (
        positional
        and index < len(call.args)
        and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1])
    ):
        return default, call.args[index]
    return default, None


@cache
def _sites() -> tuple[Site, ...]:
    reachable = _reachable_from_ui()
    sites = []
    for name, path in sorted(_modules().items()):
        if not _scanned(name):
            continue
        module = importlib.import_module(name)
        for node in ast.walk(_tree(name)):
            if not isinstance(node, ast.Call):
                continue
            cls = _resolve(module, node.func)
            if cls is None or cls.__name__ in NOT_A_REFUSAL:
                continue
            default, code = _code_argument(cls, node)
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            sites.append(Site(where, cls.__name__, code, default, name in reachable))
    return tuple(sites)


def _forwards(code: ast.expr) -> bool:
    """`exc.code`: a caught error's code, passed on (its own raise site is checked)."""
    return isinstance(code, ast.Attribute) and code.attr == "code"


def _literals(code: ast.expr) -> list[str] | None:
    """The literal codes an expression can be (a choice may also forward a caught code);
    None when it can be anything else."""
    if isinstance(code, ast.Constant) and isinstance(code.value, str):
        return [code.value]
    if isinstance(code, ast.IfExp):
        body, orelse = _literals(code.body), _literals(code.orelse)
        return None if body is None or orelse is None else body + orelse
    return [] if _forwards(code) else None


def _raised_codes() -> dict[str, str]:
    """Each code a refusal can carry, with one place that raises it."""
    codes: dict[str, str] = {}
    for site in _sites():
        if site.code is not None:
            found = _literals(site.code) or []
        else:  # the call leaves the code to the class
            found = [site.default] if site.default else []
        for code in found:
            codes.setdefault(code, site.where)
    return codes


def _key(code: str) -> str:
    return f"validation.{code}" if code.startswith(IDENTIFIER_CODES) else f"error.{code}"


def test_the_walk_finds_the_refusals_and_what_the_ui_reaches() -> None:
    """The walk itself: it sees the known classes and the UI's rooms (not the CLI's)."""
    classes = {s.cls for s in _sites()}
    assert {"Refused", "NoteError", "PlanError", "VoucherError", "IdentifierError"} <= classes
    assert len(_raised_codes()) > 90  # a floor: the walk sees the codes
    reachable = _reachable_from_ui()
    assert "kenttä.services.clients.notes" in reachable  # through the package's lazy names
    assert "kenttä.domain.models" in reachable
    assert "kenttä.services.transfer.csv_import" not in reachable  # `kenttä import` only


def test_every_raised_code_has_words_in_fi_sv_and_en() -> None:
    missing = [
        f"{where}: {_key(code)} missing in {language}"
        for code, where in sorted(_raised_codes().items())
        for language in LANGUAGES
        if _key(code) not in catalogue(language)
    ]
    assert missing == [], "\n" + "\n".join(missing)


def test_the_words_of_a_raised_code_need_only_values_error_text_fills() -> None:
    """error_text fills only `{field}` (the field at fault); any other placeholder in
    `error.<code>` would leave the person with a general refusal."""
    raw = [
        f"error.{code} in {language}: {{{name}}}"
        for code in sorted(_raised_codes())
        if not code.startswith(IDENTIFIER_CODES)
        for language in LANGUAGES
        for _, name, _, _ in Formatter().parse(catalogue(language).get(f"error.{code}", ""))
        if name is not None and name not in FILLED
    ]
    assert raw == []


def test_a_code_that_is_not_a_literal_forwards_a_caught_errors_code() -> None:
    odd = [
        f"{s.where}: {s.cls}(code={ast.unparse(s.code)})"
        for s in _sites()
        if s.code is not None and _literals(s.code) is None
    ]
    assert odd == [], "\n" + "\n".join(odd)


def test_every_refusal_the_ui_can_reach_has_a_code() -> None:
    uncoded = [
        f"{s.where}: {s.cls} without a code" for s in _sites() if s.reachable and s.code is None
    ]
    assert uncoded == [], "\n" + "\n".join(uncoded)


BOOKKEEPING = {"id", "scope", "at", "actor", "device_id", "action", "record_table", "record_id"}
BOOKKEEPING |= {"detail", "written_at"}  # set by the app itself, never typed or chosen


def test_every_field_a_refusal_can_name_has_words_in_fi_sv_and_en() -> None:
    """A model's own check (a missing, too long or wrong-kind value) reaches the screen as
    "check the field: …" naming the field; the field's name is a code until it has words."""
    from pydantic import BaseModel

    missing = []
    for name in ("kenttä.domain.models", "kenttä.domain.groups", "kenttä.domain.matching"):
        module = importlib.import_module(name)
        for model in vars(module).values():
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                continue
            if model.__module__ != name:
                continue
            for field in sorted(set(model.model_fields) - BOOKKEEPING):
                missing += [
                    f"{model.__name__}.{field}: field.{field} missing in {language}"
                    for language in LANGUAGES
                    if f"field.{field}" not in catalogue(language)
                ]
    assert missing == [], "\n" + "\n".join(sorted(set(missing)))
