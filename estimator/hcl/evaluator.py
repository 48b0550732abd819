"""Expression evaluation over ``ast`` nodes, with Terraform's semantics for unknowns.

The evaluator knows nothing about modules or resources: root names (``var``, ``local``,
``aws_instance``...) are resolved by a ``Scope`` the loader supplies, which returns either a
plain value or a ``Lookup`` (an object whose attributes are computed on demand, so locals and
resources are evaluated lazily and only once). Any operator or function that meets an
``Unknown`` yields ``Unknown``, as Terraform's plan does.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

from estimator.errors import InputError
from estimator.hcl import ast
from estimator.hcl.functions import (
    CONTEXT_FUNCTIONS,
    FUNCTIONS,
    PASS_UNKNOWN,
    FunctionContext,
    FunctionError,
    TfList,
    TfMap,
    TfSet,
    UnknownResult,
    exact_arithmetic,
    exact_number,
    format_number,
    from_exact,
    make_set,
    norm_number,
    to_bool,
    to_number,
    to_string,
    type_name,
    values_equal,
)
from estimator.model import Location, Unknown, contains_unknown


class EvalError(InputError):
    """An expression that cannot be evaluated: undefined name, wrong type, bad call."""


class Lookup:
    """A value whose attributes are resolved on demand (``var``, ``local``, a resource type)."""

    def get_attr(self, name: str, pos: ast.Pos) -> Any:
        raise NotImplementedError

    def materialize(self) -> Any:
        """The whole value, when used as a value (``jsonencode(module.x)``)."""
        raise NotImplementedError


class InstanceValue(dict):
    """A resource instance as seen by references: config attributes, computed ones unknown."""

    address: str = ""
    all_unknown: bool = False

    @classmethod
    def make(cls, address: str, attrs: dict[str, Any], all_unknown: bool = False) -> InstanceValue:
        inst = cls(attrs)
        inst.address = address
        inst.all_unknown = all_unknown
        return inst

    def attr(self, name: str) -> Any:
        # A null argument is unknown too: most optional AWS arguments are also computed, and
        # Terraform plans those as "known after apply" (e.g. a launch template's default_version).
        if not self.all_unknown and name in self and self[name] is not None:
            return self[name]
        return Unknown(f"{self.address}.{name} is known only after apply", ref=self.address)


def unify_like(value: Any, samples: list[Any]) -> Any:
    """Convert ``value`` to the type Terraform unifies it to with ``samples`` (the other
    branch): a primitive becomes a string where a sample is a string; collections unify
    their elements; a list meeting a set becomes a set. Linear in the sizes involved."""
    samples = [s for s in samples if s is not None and not isinstance(s, Unknown)]
    if not samples:
        return value
    if isinstance(value, bool | int | float):
        return to_string(value) if any(isinstance(s, str) for s in samples) else value
    if isinstance(value, list):
        lists = [s for s in samples if isinstance(s, list)]
        if not lists:
            return value
        elements = _representatives([e for s in lists for e in s] + value)
        typed = type(value) is not list or any(type(s) is not list for s in lists)  # a list or set meets
        if elements or typed:
            items = [unify_like(e, elements) for e in value] if elements else list(value)
            if isinstance(value, TfSet) or any(isinstance(s, TfSet) for s in lists):
                return make_set(items)
            return TfList(items) if typed else items
        return value
    if isinstance(value, dict) and not isinstance(value, InstanceValue):
        maps = [s for s in samples if isinstance(s, dict) and not isinstance(s, InstanceValue)]
        if not maps:
            return value
        if all(set(m) == set(value) for m in maps):  # same attributes: unify each one
            out = {k: unify_like(v, [m[k] for m in maps]) for k, v in value.items()}
        else:
            every = _representatives([v for m in maps for v in m.values()] + list(value.values()))
            out = {k: unify_like(v, every) for k, v in value.items()}
        return TfMap(out) if type(value) is TfMap or any(type(m) is TfMap for m in maps) else out
    return value


def expanded_size(value: Any, limit: int) -> int:
    """How many values ``value`` holds when written out (shared sub-values counted each time
    they appear), computed in time linear in the distinct values; stops past ``limit``.
    ``a = [b, b]; b = [c, c] ...`` doubles per line: such a value must be refused, not walked."""
    memo: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        v, done = stack.pop()
        if not isinstance(v, list | dict) or isinstance(v, InstanceValue):
            continue
        children = list(v.values()) if isinstance(v, dict) else v
        if done:
            total = 1
            for c in children:
                total += memo.get(id(c), 1)
                if total > limit:
                    return limit + 1
            memo[id(v)] = total
        elif id(v) not in memo:
            stack.append((v, True))
            stack.extend((c, False) for c in children if isinstance(c, list | dict) and id(c) not in memo)
    return memo.get(id(value), 1)


def _representatives(values: list[Any], limit: int = 8) -> list[Any]:
    """Enough of a collection's elements to decide their unified type, in bounded size:
    one string and a few collections (so unifying n elements costs O(n), not O(n²))."""
    out: list[Any] = []
    string_seen = False
    containers = 0
    for v in values:
        if isinstance(v, str):
            if not string_seen:
                string_seen = True
                out.append(v)
        elif isinstance(v, list | dict) and containers < limit:
            containers += 1
            out.append(v)
    return out


class Scope(Protocol):
    def root(self, name: str, pos: ast.Pos) -> Any: ...



MAX_STRING = 16 * 1024 * 1024  # characters one template may build (hostile input, QA19b)

class Evaluator:
    """Evaluates expressions of one file in one module instance."""

    def __init__(self, scope: Scope, path: str, fctx: FunctionContext | None = None) -> None:
        self.scope = scope
        self.path = path
        self.fctx = fctx

    def error(self, message: str, pos: ast.Pos | None) -> EvalError:
        if pos is None:
            return EvalError(message, Location(self.path, 1))
        return EvalError(message, Location(self.path, pos.line, pos.column))

    # ---- entry points -------------------------------------------------------------------
    def value(self, node: Any, local: dict[str, Any] | None = None) -> Any:
        """Evaluate to a plain value (Lookups materialized)."""
        if type(node) is ast.Literal:
            return node.value  # the most common node: no dispatch, nothing to materialize
        return materialize(self.eval(node, local or {}))

    def eval(self, node: Any, local: dict[str, Any]) -> Any:
        method = _DISPATCH.get(type(node))
        if method is None:
            raise self.error(f"cannot evaluate {type(node).__name__}", getattr(node, "pos", None))
        try:
            return method(self, node, local)
        except RecursionError:
            raise self.error("expression nested too deeply", getattr(node, "pos", None)) from None

    # ---- nodes ----------------------------------------------------------------------------
    def _literal(self, node: ast.Literal, local: dict[str, Any]) -> Any:
        return node.value

    def _parens(self, node: ast.Parens, local: dict[str, Any]) -> Any:
        return self.eval(node.expr, local)

    def _variable(self, node: ast.Variable, local: dict[str, Any]) -> Any:
        if node.name in local:
            return local[node.name]
        return self.scope.root(node.name, node.pos)

    def _getattr(self, node: ast.GetAttr, local: dict[str, Any]) -> Any:
        obj = self.eval(node.obj, local)
        if isinstance(obj, Lookup) and isinstance(node.obj, ast.Variable):
            return obj.get_attr(node.name, node.obj.pos)  # `var.x` errors point at the reference's start
        return self.get_attr(obj, node.name, node.pos)

    def get_attr(self, obj: Any, name: str, pos: ast.Pos) -> Any:
        if isinstance(obj, Unknown):
            return obj
        if isinstance(obj, Lookup):
            return obj.get_attr(name, pos)
        if isinstance(obj, InstanceValue):
            return obj.attr(name)
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
            raise self.error(f'unsupported attribute: this object does not have an attribute named "{name}"', pos)
        if obj is None:
            raise self.error(f'attempt to get attribute "{name}" from a null value', pos)
        if isinstance(obj, list):
            raise self.error(f'unsupported attribute "{name}": cannot access attributes on a list '
                             '(use an index or [*])', pos)
        raise self.error(f'unsupported attribute "{name}" on a {type_name(obj)} value', pos)

    def _index(self, node: ast.Index, local: dict[str, Any]) -> Any:
        obj = self.eval(node.obj, local)
        key = self.value(node.key, local)
        return self.index(obj, key, node.pos)

    def index(self, obj: Any, key: Any, pos: ast.Pos) -> Any:
        if isinstance(obj, Unknown):
            return obj
        if isinstance(key, Unknown):
            return Unknown("index is known only after apply")
        if isinstance(obj, Lookup):
            obj = obj.materialize()
        if isinstance(obj, list):
            try:
                i = to_number(key)
            except FunctionError:
                raise self.error(f"invalid index: a number is required, got {type_name(key)}", pos) from None
            if isinstance(i, float) or not 0 <= i < len(obj):
                raise self.error(f"invalid index: index {format_number(i)} out of range for list of {len(obj)}", pos)
            return obj[i]
        if isinstance(obj, dict):
            if isinstance(key, (list, dict)) or key is None:
                raise self.error(f"invalid index: a string key is required, got {type_name(key)}", pos)
            k = to_string(key)
            if isinstance(obj, InstanceValue):
                return obj.attr(k)
            if k not in obj:
                raise self.error(f'invalid index: the given key "{k}" does not exist', pos)
            return obj[k]
        if obj is None:
            raise self.error("attempt to index a null value", pos)
        raise self.error(f"this value ({type_name(obj)}) does not have any indices", pos)

    def _splat(self, node: ast.Splat, local: dict[str, Any]) -> Any:
        each = node.each
        if not node.full and type(each) is not ast.SplatItem and type(getattr(each, "obj", None)) is not ast.SplatItem:
            return self._legacy_splat(node, local)
        source = materialize(self.eval(node.source, local))
        if isinstance(source, Unknown):
            return Unknown(source.reason)
        if source is None:
            return []
        items = source if isinstance(source, list) else [source]
        out = []
        for item in items:
            out.append(self.eval(each, {**local, _SPLAT: item}))
        return out

    def _legacy_splat(self, node: ast.Splat, local: dict[str, Any]) -> Any:
        """``x.*.a.b[0].c``: an attribute-only splat covers only the ``.a.b`` right after it; the
        rest (``[0].c``) applies to the resulting list, as in HCL (``aws_subnet.private.*.id[0]``)."""
        chain: list[Any] = []  # from the outermost step in
        step = node.each
        while type(step) is ast.GetAttr or type(step) is ast.Index:
            chain.append(step)
            step = step.obj
        if type(step) is not ast.SplatItem:  # not a plain traversal: as written
            return self._splat(ast.Splat(node.source, node.each, True, node.pos), local)
        chain.reverse()
        attrs = 0
        while attrs < len(chain) and type(chain[attrs]) is ast.GetAttr:
            attrs += 1
        inner = chain[attrs - 1] if attrs else step
        result = self._splat(ast.Splat(node.source, inner, True, node.pos), local)
        for outer in chain[attrs:]:
            if type(outer) is ast.GetAttr:
                result = self.get_attr(result, outer.name, outer.pos)
            else:
                result = self.index(result, self.value(outer.key, local), outer.pos)
        return result

    def _splat_item(self, node: ast.SplatItem, local: dict[str, Any]) -> Any:
        return local[_SPLAT]

    def _tuple(self, node: ast.TupleExpr, local: dict[str, Any]) -> Any:
        return [self.value(item, local) for item in node.items]

    def _object(self, node: ast.ObjectExpr, local: dict[str, Any]) -> Any:
        out: dict[str, Any] = {}
        for key_node, value_node in node.items:
            key = self.value(key_node, local)
            if isinstance(key, Unknown):
                return Unknown("object key is known only after apply")
            if key is None or isinstance(key, (list, dict)):
                raise self.error(f"object key must be a string, got {type_name(key)}", key_node.pos)
            out[key if type(key) is str else to_string(key)] = self.value(value_node, local)
        return out

    def _conditional(self, node: ast.Conditional, local: dict[str, Any]) -> Any:
        cond = self.value(node.condition, local)
        if isinstance(cond, Unknown):
            return Unknown("condition is known only after apply")
        try:
            truth = to_bool(cond)
        except FunctionError:
            raise self.error(f"condition must be a bool, got {type_name(cond)}", node.condition.pos) from None
        chosen, other = (node.true_expr, node.false_expr) if truth else (node.false_expr, node.true_expr)
        result = self.eval(chosen, local)
        if isinstance(result, (bool, int, float, list, dict)) and not isinstance(result, InstanceValue):
            # Terraform unifies both branches' types: `true ? 1 : "a"` is the string "1",
            # `c ? [] : toset(x)` is a set, `c ? {a = 1} : {b = "x"}` is map(string).
            try:
                alternative = self.value(other, local)
            except EvalError:
                return result
            return unify_like(result, [alternative])
        return result

    def _unary(self, node: ast.UnaryOp, local: dict[str, Any]) -> Any:
        value = self.value(node.operand, local)
        if isinstance(value, Unknown):
            return Unknown(value.reason)
        try:
            if node.op == "!":
                return not to_bool(value)
            return norm_number(-to_number(value))
        except FunctionError as err:
            raise self.error(f"invalid operand for {node.op}: {err}", node.pos) from None

    def _exact(self, node: Any, local: dict[str, Any]) -> Any:
        """An operand of arithmetic or a comparison: an arithmetic sub-expression stays exact
        (int or Fraction, see ``exact_arithmetic``); anything else is its plain value."""
        kind = type(node)
        if kind is ast.Parens:
            return self._exact(node.expr, local)
        if kind is ast.BinaryOp and node.op in _ARITH:
            return self._arith(node, local)
        if kind is ast.UnaryOp and node.op == "-":
            value = self._exact(node.operand, local)
            if isinstance(value, Unknown):
                return Unknown(value.reason)
            try:
                return -exact_number(value)
            except FunctionError as err:
                raise self.error(f"invalid operand for -: {err}", node.pos) from None
        return self.value(node, local)

    def _arith(self, node: ast.BinaryOp, local: dict[str, Any]) -> Any:
        """``a op b`` kept exact, so a chain rounds only where Terraform's 512-bit floats do."""
        op = node.op
        operands = self._operands(node, self._exact(node.left, local), self._exact(node.right, local))
        if isinstance(operands, Unknown):
            return operands
        a, b = operands
        if op in "/%" and b == 0:
            raise self.error("division by zero" if op == "/" else "modulo by zero", node.pos)
        return exact_arithmetic(op, a, b)

    def _compare_exact(self, node: ast.BinaryOp, local: dict[str, Any]) -> Any:
        """A comparison with an arithmetic side: compared exactly (``3 * 1.1 > 3.3`` is true in
        Terraform, as 512-bit 1.1 times 3 is a little above 512-bit 3.3)."""
        op = node.op
        left, right = self._exact(node.left, local), self._exact(node.right, local)
        if op in ("==", "!="):
            if contains_unknown(left) or contains_unknown(right):
                return Unknown("comparison with a value known only after apply")
            if _is_number(left) and _is_number(right):
                equal = exact_number(left) == exact_number(right)
            else:
                equal = values_equal(from_exact(left) if type(left) is Fraction else left,
                                     from_exact(right) if type(right) is Fraction else right)
            return equal if op == "==" else not equal
        operands = self._operands(node, left, right)
        if isinstance(operands, Unknown):
            return operands
        a, b = operands
        return a < b if op == "<" else a > b if op == ">" else a <= b if op == "<=" else a >= b

    def _operands(self, node: ast.BinaryOp, left: Any, right: Any) -> tuple[Any, Any] | Unknown:
        """Both sides of an arithmetic or ordering operator as exact numbers; Unknown when one is."""
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return Unknown("operand is known only after apply")
        try:
            return exact_number(left), exact_number(right)
        except FunctionError as err:
            raise self.error(f"invalid operand for {node.op}: {err}", node.pos) from None

    def _binary(self, node: ast.BinaryOp, local: dict[str, Any]) -> Any:
        op = node.op
        if op in _ARITH:
            result = self._arith(node, local)
            return result if isinstance(result, Unknown) else from_exact(result)
        if op in _COMPARE and (type(node.left) in _EXACT_NODES or type(node.right) in _EXACT_NODES):
            return self._compare_exact(node, local)
        left = self.value(node.left, local)
        if op in ("&&", "||") and not isinstance(left, Unknown):
            lb = self._bool(left, node)
            if op == "&&" and not lb:
                right = self.value(node.right, local)
                if not isinstance(right, Unknown):
                    self._bool(right, node)
                return False
            if op == "||" and lb:
                right = self.value(node.right, local)
                if not isinstance(right, Unknown):
                    self._bool(right, node)
                return True
        right = self.value(node.right, local)
        if op in ("==", "!="):
            if contains_unknown(left) or contains_unknown(right):
                return Unknown("comparison with a value known only after apply")
            equal = values_equal(left, right)
            return equal if op == "==" else not equal
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return Unknown("operand is known only after apply")
        if op in ("&&", "||"):
            lb, rb = self._bool(left, node), self._bool(right, node)
            return (lb and rb) if op == "&&" else (lb or rb)
        try:
            a, b = to_number(left), to_number(right)
        except FunctionError as err:
            raise self.error(f"invalid operand for {op}: {err}", node.pos) from None
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op == "<=":
            return a <= b
        if op == ">=":
            return a >= b
        raise self.error(f"unknown operator {op}", node.pos)

    def _bool(self, value: Any, node: ast.BinaryOp) -> bool:
        try:
            return to_bool(value)
        except FunctionError:
            raise self.error(f"invalid operand for {node.op}: a bool is required, got {type_name(value)}",
                             node.pos) from None

    def _template(self, node: ast.Template, local: dict[str, Any]) -> Any:
        if len(node.parts) == 1 and not isinstance(node.parts[0], (str, ast.TemplateIf, ast.TemplateFor)):
            return self.eval(node.parts[0], local)  # "${x}" keeps x's type, like Terraform
        text = self.render(node.parts, local)
        if isinstance(text, str) and len(text) > MAX_STRING:
            # locals that each double the last ("${l}${l}") would reach 2^40 characters: a bound on memory
            raise self.error(f"a template result of {len(text):,} characters is over the limit of "
                             f"{MAX_STRING:,}", node.pos)
        return text

    def render(self, parts: list[Any], local: dict[str, Any]) -> Any:
        out: list[str] = []
        unknown: Unknown | None = None
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, ast.TemplateIf):
                cond = self.value(part.condition, local)
                if isinstance(cond, Unknown):
                    unknown = Unknown("template condition is known only after apply")
                    continue
                try:
                    branch = part.then_parts if to_bool(cond) else part.else_parts
                except FunctionError:
                    raise self.error(f"%{{if}} condition must be a bool, got {type_name(cond)}", part.pos) from None
                text = self.render(branch, local)
                if isinstance(text, Unknown):
                    unknown = text
                else:
                    out.append(text)
            elif isinstance(part, ast.TemplateFor):
                coll = self.value(part.collection, local)
                if isinstance(coll, Unknown):
                    unknown = Unknown("template collection is known only after apply")
                    continue
                for key, value in self._iterate(coll, part.pos):
                    inner = dict(local)
                    inner[part.value_var] = value
                    if part.key_var:
                        inner[part.key_var] = key
                    text = self.render(part.body, inner)
                    if isinstance(text, Unknown):
                        unknown = text
                    else:
                        out.append(text)
            else:
                value = self.value(part, local)
                if isinstance(value, Unknown):
                    # "endpoint/${aws_sagemaker_endpoint.llm.name}/variant/a" still points at that
                    # endpoint: keep the reference when it is the only unknown the text is made of
                    ref = value.ref if unknown is None or unknown.ref == value.ref else None
                    unknown = Unknown(value.reason, ref)
                    continue
                if value is None:
                    raise self.error("invalid template interpolation value: the value is null", part.pos)
                if isinstance(value, (list, dict)):
                    raise self.error(f"invalid template interpolation value: cannot include a {type_name(value)} "
                                     "in a string template", part.pos)
                out.append(to_string(value))
        if unknown is not None:
            return unknown
        return "".join(out)

    def _iterate(self, coll: Any, pos: ast.Pos) -> list[tuple[Any, Any]]:
        if isinstance(coll, dict):
            return [(k, coll[k]) for k in sorted(coll)]
        if isinstance(coll, TfSet):
            return [(v, v) for v in coll]  # a set's "key" is the element itself
        if isinstance(coll, list):
            return list(enumerate(coll))
        if coll is None:
            raise self.error("cannot iterate over a null value", pos)
        raise self.error(f"a for expression needs a collection, got {type_name(coll)}", pos)

    def _for(self, node: ast.ForExpr, local: dict[str, Any]) -> Any:
        coll = self.value(node.collection, local)
        if isinstance(coll, Unknown):
            return Unknown("for expression over a value known only after apply")
        is_object = node.key_expr is not None
        items_list: list[Any] = []
        obj: dict[str, Any] = {}
        for key, value in self._iterate(coll, node.pos):
            inner = dict(local)
            inner[node.value_var] = value
            if node.key_var:
                inner[node.key_var] = key
            if node.condition is not None:
                cond = self.value(node.condition, inner)
                if isinstance(cond, Unknown):
                    return Unknown("for condition is known only after apply")
                try:
                    if not to_bool(cond):
                        continue
                except FunctionError:
                    raise self.error(f"for condition must be a bool, got {type_name(cond)}", node.pos) from None
            if is_object:
                k = self.value(node.key_expr, inner)
                if isinstance(k, Unknown):
                    return Unknown("for key is known only after apply")
                if k is None or isinstance(k, (list, dict)):
                    raise self.error(f"for expression key must be a string, got {type_name(k)}", node.pos)
                k = to_string(k)
                v = self.value(node.value_expr, inner)
                if node.grouping:
                    obj.setdefault(k, []).append(v)
                elif k in obj:
                    raise self.error(f'duplicate object key "{k}" in for expression (use ... to group)', node.pos)
                else:
                    obj[k] = v
            else:
                items_list.append(self.value(node.value_expr, inner))
        if is_object:
            return dict(sorted(obj.items()))
        return items_list

    def _call(self, node: ast.Call, local: dict[str, Any]) -> Any:
        name = node.name.removeprefix("provider::terraform::")
        if name == "try":
            for arg in node.args:
                try:
                    value = self.value(arg, local)
                except EvalError:
                    continue
                return value
            raise self.error("try: no expression succeeded", node.pos)
        if name == "can":
            if len(node.args) != 1:
                raise self.error("can: expects exactly one argument", node.pos)
            try:
                value = self.value(node.args[0], local)
            except EvalError:
                return False
            return Unknown("can() of a value known only after apply") if isinstance(value, Unknown) else True
        if name.startswith("provider::"):
            # Provider-defined functions (provider::aws::arn_parse, ...) need the provider's
            # code: evaluate the arguments for their errors, the result is unknown.
            for arg in node.args:
                self.value(arg, local)
            warn = getattr(self.fctx, "warn", None)
            if warn is not None:
                warn(f'provider function "{node.name}" is not evaluated offline; its result is unknown',
                     Location(self.path, node.pos.line, node.pos.column))
            return Unknown(f"{node.name}() is evaluated by the provider, known only after init")
        if name in ("timestamp", "uuid", "plantimestamp", "bcrypt"):
            for arg in node.args:
                self.value(arg, local)
            return Unknown(f"{name}() is known only after apply")
        # a module's context wins (abspath() resolves against its root); without one, the plain function
        func: Callable[..., Any] | None = CONTEXT_FUNCTIONS.get(name) if self.fctx is not None else None
        needs_ctx = func is not None
        if func is None:
            func = FUNCTIONS.get(name)
        if func is None and name in CONTEXT_FUNCTIONS:
            func = CONTEXT_FUNCTIONS[name]
            needs_ctx = True
        if func is None:
            raise self.error(f'call to unknown function "{node.name}"', node.pos)
        args = [self.value(arg, local) for arg in node.args]
        if node.expand_final and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return Unknown("expanded argument is known only after apply")
            if not isinstance(last, list):
                raise self.error(f"{name}: the final argument to expand with ... must be a list", node.pos)
            args.extend(last)
        for arg in args:
            if isinstance(arg, Unknown):
                return Unknown(f"{name}() of a value known only after apply")
        if name not in PASS_UNKNOWN and any(contains_unknown(a) for a in args):
            return Unknown(f"{name}() of a value known only after apply")
        if needs_ctx and self.fctx is None:
            raise self.error(f"{name}: not available here", node.pos)
        try:
            return func(self.fctx, *args) if needs_ctx else func(*args)
        except UnknownResult as err:
            return Unknown(f"{name}(): {err}")
        except FunctionError as err:
            message = str(err)
            if not message.startswith(name + ":"):
                message = f"{name}: {message}"
            raise self.error(message, node.pos) from None
        except EvalError:
            raise
        except TypeError as err:
            raise self.error(f"{name}: wrong number of arguments ({len(args)})", node.pos) from err
        except (ValueError, OverflowError, ZeroDivisionError) as err:
            raise self.error(f"{name}: {err}", node.pos) from None


_SPLAT = "\0splat"
_ARITH = frozenset("+-*/%")
_COMPARE = frozenset(("==", "!=", "<", ">", "<=", ">="))
_EXACT_NODES = frozenset((ast.BinaryOp, ast.Parens, ast.UnaryOp))


def _is_number(value: Any) -> bool:
    return type(value) is Fraction or isinstance(value, int | float) and not isinstance(value, bool)

_DISPATCH: dict[type, Callable[[Evaluator, Any, dict[str, Any]], Any]] = {
    ast.Literal: Evaluator._literal,
    ast.Parens: Evaluator._parens,
    ast.Variable: Evaluator._variable,
    ast.GetAttr: Evaluator._getattr,
    ast.Index: Evaluator._index,
    ast.Splat: Evaluator._splat,
    ast.SplatItem: Evaluator._splat_item,
    ast.TupleExpr: Evaluator._tuple,
    ast.ObjectExpr: Evaluator._object,
    ast.Conditional: Evaluator._conditional,
    ast.UnaryOp: Evaluator._unary,
    ast.BinaryOp: Evaluator._binary,
    ast.Template: Evaluator._template,
    ast.ForExpr: Evaluator._for,
    ast.Call: Evaluator._call,
}


def materialize(value: Any) -> Any:
    """Plain value of a Lookup; also one level into lists/maps (``module.x`` with count/for_each)."""
    if isinstance(value, Lookup):
        return value.materialize()
    if type(value) is list and any(isinstance(v, Lookup) for v in value):
        return [v.materialize() if isinstance(v, Lookup) else v for v in value]
    if type(value) is dict and any(isinstance(v, Lookup) for v in value.values()):
        return {k: v.materialize() if isinstance(v, Lookup) else v for k, v in value.items()}
    return value


# ---- type constraints ----------------------------------------------------------------------

def parse_type(node: Any, path: str = "") -> Any:
    """A ``type = ...`` expression as a tuple spec: ("string",), ("list", t), ("object", {...})."""
    pos = getattr(node, "pos", None)
    where = Location(path, pos.line, pos.column) if pos else None
    if isinstance(node, ast.Parens):
        return parse_type(node.expr, path)
    if isinstance(node, ast.Variable):
        if node.name in ("string", "number", "bool", "any"):
            return (node.name,)
        raise EvalError(f"invalid type {node.name!r}", where)
    if isinstance(node, ast.Call):
        if node.name in ("list", "set", "map") and len(node.args) == 1:
            return (node.name, parse_type(node.args[0], path))
        if node.name == "tuple" and len(node.args) == 1 and isinstance(node.args[0], ast.TupleExpr):
            return ("tuple", [parse_type(a, path) for a in node.args[0].items])
        if node.name == "object" and len(node.args) == 1 and isinstance(node.args[0], ast.ObjectExpr):
            attrs: dict[str, tuple[Any, bool, Any]] = {}
            for key, value in node.args[0].items:
                name = key.value if isinstance(key, ast.Literal) else getattr(key, "name", None)
                if isinstance(value, ast.Call) and value.name == "optional":
                    default = value.args[1] if len(value.args) > 1 else None
                    attrs[str(name)] = (parse_type(value.args[0], path), True, default)
                else:
                    attrs[str(name)] = (parse_type(value, path), False, None)
            return ("object", attrs)
    raise EvalError("invalid type constraint", where)


def is_primitive_type(spec: Any) -> bool:
    return spec is None or spec[0] in ("string", "number", "bool")


def convert(value: Any, spec: Any, evaluator: Evaluator | None = None) -> Any:
    """Terraform's type conversion of a variable value; raises ``FunctionError``."""
    if spec is None or spec[0] == "any" or value is None or isinstance(value, Unknown):
        return value
    kind = spec[0]
    if kind == "string":
        if isinstance(value, (list, dict)):
            raise FunctionError(f"string required, got {type_name(value)}")
        return to_string(value)
    if kind == "number":
        return to_number(value)
    if kind == "bool":
        return to_bool(value)
    if kind in ("list", "set"):
        if not isinstance(value, list):
            raise FunctionError(f"{kind} of {_type_text(spec[1])} required, got {type_name(value)}")
        items = [convert(v, spec[1], evaluator) for v in value]
        if _has_any(spec[1]):
            items = _unify_elements(items, kind)
        return make_set(items) if kind == "set" else TfList(items)
    if kind == "map":
        if not isinstance(value, dict):
            raise FunctionError(f"map of {_type_text(spec[1])} required, got {type_name(value)}")
        out_map = {k: convert(v, spec[1], evaluator) for k, v in value.items()}
        if _has_any(spec[1]):
            out_map = dict(zip(out_map, _unify_elements(list(out_map.values()), kind), strict=True))
        return TfMap(out_map)
    if kind == "tuple":
        if not isinstance(value, list) or len(value) != len(spec[1]):
            raise FunctionError(f"tuple of {len(spec[1])} elements required")
        return [convert(v, t, evaluator) for v, t in zip(value, spec[1], strict=False)]
    if kind == "object":
        if not isinstance(value, dict):
            raise FunctionError(f"object required, got {type_name(value)}")
        out: dict[str, Any] = {}
        for name, (attr_type, optional, default) in spec[1].items():
            if name in value and value[name] is not None:
                out[name] = convert(value[name], attr_type, evaluator)
            elif optional:
                dv = evaluator.value(default) if (default is not None and evaluator) else None
                out[name] = convert(dv, attr_type, evaluator)
            elif name in value:
                out[name] = None
            else:
                raise FunctionError(f'attribute "{name}" is required')
        return out
    return value


_PRIMITIVE_KINDS = frozenset(("string", "number", "bool"))


def _has_any(spec: Any) -> bool:
    """Whether a type leaves something to be decided by the value (``any`` somewhere in it)."""
    kind = spec[0]
    if kind == "any":
        return True
    if kind in ("list", "set", "map"):
        return _has_any(spec[1])
    if kind == "tuple":
        return any(_has_any(t) for t in spec[1])
    if kind == "object":
        return any(_has_any(t) for t, _, _ in spec[1].values())
    return False


def _no_common_type(kinds: set[str]) -> bool:
    """Value kinds Terraform cannot convert to one type: primitives beside collections, a number
    beside a bool, a list beside an object."""
    return len(kinds) > 1 and bool(kinds - _PRIMITIVE_KINDS and kinds & _PRIMITIVE_KINDS
                                   or kinds == {"number", "bool"} or {"list", "object"} <= kinds)


def _unify_elements(items: list[Any], kind: str) -> list[Any]:
    """The elements of a ``list(any)``/``set(any)``/``map(any)`` converted to the one type Terraform
    picks for them: mixed primitives become strings, nested collections unify their elements;
    kinds with no common type (a number and a bool, a list and a string) are an error, as in Terraform."""
    known = [v for v in items if v is not None and not isinstance(v, Unknown)]
    kinds = {type_name(v) for v in known}
    if _no_common_type(kinds):
        raise FunctionError(f"all {kind} elements must have the same type")
    if kinds == {"object"} and len({frozenset(v) for v in known}) > 1:
        # objects of other attributes unify only as maps, whose values need a common type: the
        # node_groups map of objects, one holding a list, is what terraform rejects for map(any)
        values = {type_name(x) for v in known for x in v.values() if x is not None and not isinstance(x, Unknown)}
        if _no_common_type(values):
            raise FunctionError(f"all {kind} elements must have the same type")
    samples = _representatives(items)
    return [unify_like(v, samples) for v in items] if samples else items


def _type_text(spec: Any) -> str:
    if spec[0] in ("list", "set", "map"):
        return f"{spec[0]}({_type_text(spec[1])})"
    return spec[0]
