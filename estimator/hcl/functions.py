"""Terraform's built-in functions, as a registry ``name -> callable`` over plain values.

Values are Python plain data: str, int/float, bool, None, list (tuples, lists and sets —
sets arrive sorted and de-duplicated), dict. Unknown handling is the evaluator's job: it
never calls a function whose arguments are unknown (except the structural ones listed in
``PASS_UNKNOWN``, which copy values without reading them). ``FunctionError`` carries the
message; the evaluator adds file:line.

Functions that need the module (``file``, ``templatefile``, ``fileexists``) take a
``FunctionContext`` first and live in ``CONTEXT_FUNCTIONS``.
"""

from __future__ import annotations

import base64
import csv
import datetime
import decimal
import functools
import gzip
import io
import ipaddress
import itertools
import json
import math
import os
import re
import urllib.parse
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

from estimator.errors import TOO_DEEP

if TYPE_CHECKING:
    import yaml


class FunctionError(Exception):
    """A call with bad arguments: the message is Terraform-like and names the function."""


class FunctionContext(Protocol):
    def read_file(self, path: str) -> str: ...

    def file_exists(self, path: str) -> bool: ...

    def render_template(self, text: str, variables: dict[str, Any], path: str) -> Any: ...

    def read_bytes(self, path: str) -> bytes: ...

    def file_digest(self, path: str, algorithm: str) -> bytes:
        """The file's digest, read in chunks: hashing a 50 MB Lambda package needs no size limit."""
        ...

    def fileset(self, path: str, pattern: str) -> list[str]: ...

    def working_dir(self) -> str:
        """The directory Terraform runs in (the root module's): what relative paths mean."""
        ...


# ---- type helpers -------------------------------------------------------------------------

def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def norm_number(value: float | int) -> int | float:
    """Terraform has one number type: an integral float is shown as an integer."""
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return value
        if value.is_integer() and abs(value) < 2**63:
            return int(value)
    return value


BIG_PRECISION = 512  # bits: cty's numbers are big.Float values with 512-bit mantissas
_BIG_INT = 1 << BIG_PRECISION


def round_big(q: Fraction) -> int | Fraction:
    """``q`` rounded to 512 significant bits, nearest-even, as every big.Float result is.
    Integers that fit stay ``int``, so the common integer path never builds a Fraction."""
    n, d = q.numerator, q.denominator
    if d == 1 and n.bit_length() <= BIG_PRECISION:
        return n
    sign, n = (-1, -n) if n < 0 else (1, n)
    shift = BIG_PRECISION - (n.bit_length() - d.bit_length())
    m, r = divmod(n << shift if shift >= 0 else n, d if shift >= 0 else d << -shift)
    if m.bit_length() > BIG_PRECISION:  # the quotient took one bit more: drop it
        shift -= 1
        m, r = divmod(n << shift if shift >= 0 else n, d if shift >= 0 else d << -shift)
    den = d << -shift if shift < 0 else d
    if 2 * r > den or (2 * r == den and m & 1):
        m += 1
    return Fraction(sign * m, 1 << shift) if shift >= 0 else sign * m << -shift


def exact_number(value: Any) -> int | float | Fraction:
    """An operand as Terraform holds it: ints as they are, a float as the 512-bit rounding of
    its decimal text (``1.1`` is not the double 1.1), an exact intermediate result unchanged.
    Infinities stay floats. Raises ``FunctionError`` for a non-number."""
    if type(value) is int or type(value) is Fraction:
        return value
    num = to_number(value)
    if type(num) is float and math.isfinite(num):
        return _big_float(num)
    return num


@functools.lru_cache(maxsize=4096)
def _big_float(num: float) -> int | Fraction:
    """The 512-bit value of a float's shortest decimal text (configs repeat their literals)."""
    return round_big(Fraction(repr(num)))


def exact_arithmetic(op: str, a: int | float | Fraction, b: int | float | Fraction) -> int | float | Fraction:
    """One operation on ``exact_number`` operands, rounded to 512 bits: chaining these keeps an
    expression as exact as Terraform (``100 / 3 * 3`` is 100). The caller checks ``b == 0``."""
    if type(a) is int and type(b) is int:
        if op == "%":
            result = abs(a) % abs(b)
            return -result if a < 0 else result
        if op == "/" and a % b:
            return round_big(Fraction(a, b))
        r = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a // b
        return r if -_BIG_INT < r < _BIG_INT else round_big(Fraction(r))
    if type(a) is float or type(b) is float:  # an infinity: float rules
        a, b = float(a), float(b)
        return norm_number({"+": a + b, "-": a - b, "*": a * b, "/": a / b, "%": math.fmod(a, b)}[op])
    if op == "+":
        r = Fraction(a) + b
    elif op == "-":
        r = Fraction(a) - b
    elif op == "*":
        r = Fraction(a) * b
    elif op == "/":
        r = Fraction(a) / b
    else:
        r = abs(Fraction(a)) % abs(b)
        r = -r if a < 0 else r
    return round_big(r)


def from_exact(value: int | float | Fraction) -> int | float:
    """An exact result as the plain number the rest of the program sees: whole -> int."""
    if type(value) is not Fraction:
        return value
    if value.denominator == 1 and abs(value.numerator) < 2**63:
        return value.numerator
    try:
        return norm_number(float(value))
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def to_number(value: Any) -> int | float:
    if isinstance(value, bool) or value is None:
        raise FunctionError(f"a number is required, got {type_name(value)}")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value  # as cty's ParseNumberVal: a sign is allowed, spaces are not (tonumber(" 5") fails)
        if re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            return norm_number(float(text)) if re.search(r"[.eE]", text) else int(text)
        raise FunctionError(f"cannot convert {value!r} to number")
    raise FunctionError(f"a number is required, got {type_name(value)}")


def format_number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    value = norm_number(value)
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text:
        text = format(value, "f").rstrip("0").rstrip(".") if abs(value) >= 1 else f"{value:.20f}".rstrip("0")
    return text


def to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if value is None:
        raise FunctionError("a string is required, got null")
    raise FunctionError(f"a string is required, got {type_name(value)}")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true" or value == "1":  # cty converts "1"/"0" to bool as well
        return True
    if value == "false" or value == "0":
        return False
    raise FunctionError(f"a bool is required, got {type_name(value)} {value!r}")


def to_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    raise FunctionError(f"a list is required, got {type_name(value)}")


def to_map(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise FunctionError(f"a map is required, got {type_name(value)}")


def to_int(value: Any) -> int:
    num = to_number(value)
    if isinstance(num, float):
        if not num.is_integer():
            raise FunctionError(f"a whole number is required, got {format_number(num)}")
        return int(num)
    return num


def sort_key(value: Any) -> tuple:
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, json.dumps(value, sort_keys=True, default=str))


class TfSet(list):
    """A Terraform set: a sorted, de-duplicated list that iterates with key == value."""


class TfList(list):
    """A value of a ``list(...)`` type (a typed variable, ``tolist()``), as opposed to a tuple
    literal: Terraform's ``==`` compares types, so ``var.subnets == []`` is false for a
    ``list(string)``. Everywhere else it is an ordinary list."""

    __slots__ = ()


class TfMap(dict):
    """A value of a ``map(...)`` type (a typed variable, ``tomap()``), as opposed to an object
    literal: never ``==`` an object (``var.tags == {}`` is false for a ``map(string)``)."""

    __slots__ = ()


def _identity(value: Any) -> tuple:
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    return ("j", json.dumps(value, sort_keys=True, default=repr))


def make_set(values: list[Any]) -> TfSet:
    """Terraform sets: unique elements (linear time), shown in a stable sorted order."""
    unique: dict[tuple, Any] = {}
    for value in values:
        unique.setdefault(_identity(value), value)
    return TfSet(sorted(unique.values(), key=sort_key))


def values_equal(a: Any, b: Any) -> bool:
    """Type-aware equality: ``1 == "1"`` and ``true == 1`` are false, as in Terraform."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        # a list, a set and a tuple are different types (TfList, TfSet, plain list): never equal
        return (type(a) is type(b) and len(a) == len(b)
                and all(values_equal(x, y) for x, y in zip(a, b, strict=False)))
    if isinstance(a, dict) and isinstance(b, dict):
        if (type(a) is TfMap) is not (type(b) is TfMap):  # a map is never equal to an object
            return False
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


# ---- strings ------------------------------------------------------------------------------

def f_format(fmt: Any, *args: Any) -> str:
    return _format(to_string(fmt), list(args))


_VERB = re.compile(r"%(?:\[(\d+)\])?([-+ #0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def _format(fmt: str, args: list[Any]) -> str:
    out: list[str] = []
    pos = 0
    argi = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos : m.start()])
        pos = m.end()
        explicit, flags, width, prec, verb = m.groups()
        if verb == "%":
            out.append("%")
            continue
        if explicit:
            argi = int(explicit) - 1
        if argi >= len(args):
            raise FunctionError(f"format: not enough arguments for {m.group(0)}")
        arg = args[argi]
        argi += 1
        out.append(_format_one(arg, flags, width, prec, verb))
    out.append(fmt[pos:])
    if argi < len(args) and not any(m.group(1) for m in _VERB.finditer(fmt)):
        raise FunctionError(f"format: too many arguments; only {argi} used by format string")
    return "".join(out)


def _go_shortest_g(num: float, upper: bool) -> str:
    """Go's ``%g`` with no precision: the shortest digits, as %e when the exponent is < -4 or >= 6
    (format("%g", 1234567) is "1.234567e+06", not "1234567")."""
    if num == 0 or math.isinf(num) or math.isnan(num):
        return format(num, "g").upper() if upper else format(num, "g")
    sign, digits, exponent = decimal.Decimal(repr(abs(num))).normalize().as_tuple()
    text = "".join(map(str, digits))
    dp = len(text) + int(exponent)  # digits before the decimal point
    exp = dp - 1
    minus = "-" if num < 0 else ""
    if exp < -4 or exp >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}{'E' if upper else 'e'}{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{minus}0.{'0' * -dp}{text}"
    if dp >= len(text):
        return minus + text + "0" * (dp - len(text))
    return f"{minus}{text[:dp]}.{text[dp:]}"


def _format_one(arg: Any, flags: str, width: str | None, prec: str | None, verb: str) -> str:
    if verb == "v":
        text = jsonencode(arg) if isinstance(arg, (list, dict)) else to_string(arg) if arg is not None else "null"
    elif verb == "s":
        text = to_string(arg)
        if prec:
            text = text[: int(prec)]
    elif verb == "q":
        text = json.dumps(to_string(arg), ensure_ascii=False)
    elif verb == "t":
        text = "true" if to_bool(arg) else "false"
    elif verb == "d":
        text = str(to_int(arg))
        if "+" in flags and not text.startswith("-"):
            text = "+" + text
    elif verb in "fFeEgG":
        num = float(to_number(arg))
        spec = ("+" if "+" in flags else "") + (f".{prec}" if prec is not None else (".6" if verb in "fFeE" else "")) + verb
        text = format(num, spec)
        if verb in "gG" and prec is None:
            text = ("+" if "+" in flags and num >= 0 else "") + _go_shortest_g(num, verb == "G")
    elif verb in "xXob":
        num = to_int(arg)
        text = format(num, verb)
    else:
        raise FunctionError(f"format: unsupported verb %{verb}")
    if width:
        w = int(width)
        if w > 10_000:
            raise FunctionError(f"format: width {w} is too large")
        if "-" in flags:
            text = text.ljust(w)
        elif "0" in flags and verb not in "sqvt":
            sign = text[0] if text[:1] in "+-" else ""
            text = sign + text[len(sign):].rjust(w - len(sign), "0")
        else:
            text = text.rjust(w)
    return text


def f_formatlist(fmt: Any, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise FunctionError("formatlist: all list arguments must have the same length")
    n = lengths.pop() if lengths else 1
    return [_format(to_string(fmt), [a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]


def f_join(sep: Any, *lists: Any) -> str:
    items: list[str] = []
    for lst in lists:
        for item in to_list(lst):
            if item is None:
                raise FunctionError("join: element is null")
            items.append(to_string(item))
    return to_string(sep).join(items)


def f_split(sep: Any, text: Any) -> list[str]:
    sep, text = to_string(sep), to_string(text)
    if sep == "":
        return list(text)
    return text.split(sep)


def _go_name(text: str) -> tuple[str, str] | None:
    """Go's regexp ``extract``: the longest run of letters, digits and ``_`` (``{...}`` closed), and the rest."""
    brace = text.startswith("{")
    body = text[1:] if brace else text
    i = 0
    while i < len(body) and (body[i].isalpha() or body[i].isdecimal() or body[i] == "_"):
        i += 1
    if i == 0 or (brace and (i >= len(body) or body[i] != "}")):
        return None
    return body[:i], body[i + 1 if brace else i:]


def _go_repl(repl: str) -> Callable[[Any], str]:
    """Go's ``Regexp.Expand`` template (what terraform's replace() uses): ``$$`` is ``$``; ``$name``,
    ``${name}``, ``$1`` take the longest name (``$1x`` is group "1x"); an unknown or unmatched group is
    empty; a ``$`` not followed by a name stays as it is."""
    parts: list[str | int] = []  # literal text, or a group (index or name) to insert
    literal: list[str] = []
    rest = repl
    while True:
        before, dollar, after = rest.partition("$")
        literal.append(before)
        if not dollar:
            break
        if after.startswith("$"):
            literal.append("$")
            rest = after[1:]
            continue
        found = _go_name(after)
        if found is None:
            literal.append("$")
            rest = after
            continue
        name, rest = found
        parts.append("".join(literal))
        literal = []
        number = int(name) if name.isascii() and name.isdigit() and (name == "0" or name[0] != "0") else -1
        parts.append(number if 0 <= number < 10**8 else name)
    parts.append("".join(literal))

    def expand(match: Any) -> str:
        out = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                out.append(part)
                continue
            if isinstance(part, int):
                group = match.group(part) if part <= match.re.groups else None
            else:
                group = match.group(part) if part in match.re.groupindex else None
            out.append(group or "")
        return "".join(out)

    return expand


def f_replace(text: Any, search: Any, repl: Any) -> str:
    text, search, repl = to_string(text), to_string(search), to_string(repl)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        rx = _compile(search[1:-1])
        import regex  # imported where used: 9 ms of start-up most runs never need

        try:
            return _timed(lambda: _go_replace_all(rx, text, _go_repl(repl)))
        except (re.error, regex.error) as err:
            raise FunctionError(f"replace: invalid regular expression: {err}") from None
    return text.replace(search, repl)


def _go_replace_all(rx: Any, text: str, expand: Callable[[Any], str]) -> str:
    """Go's ``Regexp.ReplaceAllString``: an empty match right after a previous match is not
    replaced, and the search always moves on (``replace("aaa", "/a*?/", "X")`` is "XaXaXaX";
    Python's ``sub`` would replace at every position). One time budget for the whole call."""
    import time

    deadline = time.monotonic() + REGEX_TIMEOUT
    out: list[str] = []
    last = pos = 0
    while pos <= len(text):
        m = rx.search(text, pos, timeout=max(deadline - time.monotonic(), 0.001))
        if m is None:
            break
        start, end = m.span()
        out.append(text[last:start])
        if end > last or start == 0:
            out.append(expand(m))
        last = end
        pos = pos + 1 if pos + 1 > end else end
    out.append(text[last:])
    return "".join(out)


def _re2(pattern: str) -> str:
    return pattern.replace("(?P<", "(?P<").replace("\\z", "\\Z")


def _case(text: str, change: Callable[[str], str]) -> str:
    """Go's per-rune case mapping: a rune whose full mapping is several runes ("ß" -> "SS")
    stays as it is, except the dotted capital I, which Go lowers to a plain "i"."""
    out = []
    for ch in text:
        mapped = change(ch)
        out.append(mapped if len(mapped) == 1 else ("i" if ch == "\u0130" else ch))
    return "".join(out)


def f_title(text: Any) -> str:
    return re.sub(r"(^|[^\w])([^\W\d_])", lambda m: m.group(1) + _case(m.group(2), str.upper), to_string(text))


def f_trim(text: Any, cutset: Any) -> str:
    return to_string(text).strip(to_string(cutset))


def f_trimprefix(text: Any, prefix: Any) -> str:
    text, prefix = to_string(text), to_string(prefix)
    return text[len(prefix):] if prefix and text.startswith(prefix) else text


def f_trimsuffix(text: Any, suffix: Any) -> str:
    text, suffix = to_string(text), to_string(suffix)
    return text[: -len(suffix)] if suffix and text.endswith(suffix) else text


def f_parseint(number: Any, base: Any) -> int:
    """Go's ``big.Int.SetString`` with an explicit base: an optional sign and digits only (no
    ``0x`` prefix, ``_`` or spaces, which Python's ``int()`` would take); bases 2 to 62, where
    above 36 the capital letters are the digits 36-61."""
    text = to_string(number)
    b = to_number(base)
    if isinstance(b, float) or not 2 <= b <= 62:
        raise FunctionError('invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive')
    digits = text[1:] if text[:1] in ("+", "-") else text
    value = 0
    for ch in digits:
        d = _DIGITS.get(ch if b > 36 else ch.lower(), 99)
        if d >= b:
            break
        value = value * b + d
    else:
        if digits:
            return -value if text[:1] == "-" else value
    raise FunctionError(f'invalid value for "number" parameter: cannot parse "{text}" as a base {b} integer')


_DIGITS = {ch: i for i, ch in enumerate("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def f_substr(text: Any, offset: Any, length: Any) -> str:
    text = to_string(text)
    off, ln = to_int(offset), to_int(length)
    if off < 0:
        off = max(len(text) + off, 0)
    if off > len(text):
        return ""  # as Terraform: an offset past the end is the empty string, not an error
    return text[off:] if ln < 0 else text[off : off + ln]


class UnknownResult(Exception):  # noqa: N818 - a result, not a failure
    """Raised by a function whose result cannot be computed offline: the call is Unknown."""


REGEX_TIMEOUT = 2.0  # seconds; Python regexes backtrack where Terraform's RE2 runs in linear time


def f_regex(pattern: Any, text: Any) -> Any:
    rx = _compile(pattern)
    m = _timed(lambda: rx.search(to_string(text), timeout=REGEX_TIMEOUT))
    if m is None:
        raise FunctionError("regex: pattern did not match any part of the given string")
    return _match_value(rx, m)


def f_regexall(pattern: Any, text: Any) -> list[Any]:
    rx = _compile(pattern)
    return _timed(lambda: [_match_value(rx, m) for m in rx.finditer(to_string(text), timeout=REGEX_TIMEOUT)])


def _timed(run: Callable[[], Any]) -> Any:
    try:
        return run()
    except TimeoutError:
        raise UnknownResult("the regular expression backtracks too much to evaluate here "
                            "(Terraform's RE2 engine runs it in linear time)") from None


def _compile(pattern: Any) -> Any:
    import regex  # imported where used: 9 ms of start-up most runs never need

    try:
        re.compile(_re2(to_string(pattern)))  # Python's re syntax errors read better
        return regex.compile(_re2(to_string(pattern)))
    except (re.error, regex.error) as err:
        raise FunctionError(f"invalid regular expression: {err}") from None


def _match_value(rx: Any, m: Any) -> Any:
    if rx.groupindex:
        return {name: m.group(name) for name in rx.groupindex}
    if rx.groups == 0:
        return m.group(0)
    return [g for g in m.groups()]


# ---- collections --------------------------------------------------------------------------

def f_length(value: Any) -> int:
    if isinstance(value, (str, list, dict)):
        return len(value)
    raise FunctionError(f"length: argument must be a string, a collection or a structure, got {type_name(value)}")


def f_keys(value: Any) -> list[str]:
    return sorted(to_map(value))


def f_values(value: Any) -> list[Any]:
    m = to_map(value)
    return [m[k] for k in sorted(m)]


def f_lookup(mapping: Any, key: Any, *default: Any) -> Any:
    m = to_map(mapping)
    k = to_string(key)
    if k in m:
        return m[k]
    if default:
        return default[0]
    raise FunctionError(f"lookup: the given key {k!r} does not exist in the map and no default was given")


def f_merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        out.update(to_map(m))
    return dict(sorted(out.items()))


def f_concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for lst in lists:
        if isinstance(lst, TfSet):  # terraform: "all arguments must be lists or tuples"
            raise FunctionError("concat: all arguments must be lists or tuples, got set")
        out.extend(to_list(lst))
    return out


def f_element(lst: Any, index: Any) -> Any:
    items = to_list(lst)
    if not items:
        raise FunctionError("element: cannot use element function with an empty list")
    i = to_int(index)
    if i < 0:
        raise FunctionError("element: cannot use element function with a negative index")
    return items[i % len(items)]


def f_index(lst: Any, value: Any) -> int:
    for i, item in enumerate(to_list(lst)):
        if values_equal(item, value):
            return i
    raise FunctionError("index: item not found")


def f_contains(lst: Any, value: Any) -> bool:
    return any(values_equal(item, value) for item in to_list(lst))


def f_flatten(lst: Any) -> list[Any]:
    out: list[Any] = []
    for item in to_list(lst):
        if isinstance(item, list):
            out.extend(f_flatten(item))
        else:
            out.append(item)
    return out


def f_distinct(lst: Any) -> list[Any]:
    """First occurrences in order, after unifying the elements to one type (linear time)."""
    unique: dict[tuple, Any] = {}
    for item in _unify(to_list(lst)):
        unique.setdefault(_identity(item), item)
    return list(unique.values())


def f_compact(lst: Any) -> list[str]:
    return [to_string(x) for x in to_list(lst) if x is not None and x != ""]


def f_zipmap(keys: Any, vals: Any) -> dict[str, Any]:
    k, v = to_list(keys), to_list(vals)
    if len(k) != len(v):
        raise FunctionError("zipmap: number of keys and values must match")
    return dict(sorted(zip([to_string(x) for x in k], v, strict=False)))


def f_range(*args: Any) -> list[Any]:
    nums = [to_number(a) for a in args]
    if len(nums) == 1:
        start, limit = 0, nums[0]
        step = 1 if limit >= start else -1  # range(-3) is [0, -1, -2]
    elif len(nums) == 2:
        start, limit = nums
        step = 1 if limit >= start else -1
    elif len(nums) == 3:
        start, limit, step = nums
    else:
        raise FunctionError("range: expects 1 to 3 arguments")
    if step == 0:
        raise FunctionError("range: step must not be zero")
    if (step > 0 and start > limit) or (step < 0 and start < limit):
        raise FunctionError("range: step must be negative when start is greater than limit")
    out: list[Any] = []
    value = start
    while (value < limit) if step > 0 else (value > limit):
        out.append(norm_number(value))
        if len(out) > 1024:
            raise FunctionError("range: more than 1024 values")
        value += step
    return out


def f_min(*args: Any) -> Any:
    if not args:
        raise FunctionError("min: at least one argument is required")
    return min(to_number(a) for a in args)


def f_max(*args: Any) -> Any:
    if not args:
        raise FunctionError("max: at least one argument is required")
    return max(to_number(a) for a in args)


def f_sort(lst: Any) -> list[str]:
    items = [to_string(x) for x in to_list(lst)]
    return sorted(items)


def f_slice(lst: Any, start: Any, end: Any) -> list[Any]:
    items = to_list(lst)
    s, e = to_int(start), to_int(end)
    if s < 0 or e > len(items) or s > e:
        raise FunctionError("slice: index out of range")
    return items[s:e]


def f_sum(lst: Any) -> Any:
    items = to_list(lst)
    if not items:
        raise FunctionError("sum: cannot sum an empty list")
    total: Any = 0
    for x in items:  # exact all the way, as Terraform adds big floats
        total = exact_arithmetic("+", total, exact_number(x))
    return from_exact(total)


def f_one(lst: Any) -> Any:
    items = to_list(lst)
    if len(items) > 1:
        raise FunctionError("one: must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


def f_alltrue(lst: Any) -> bool:
    return all(to_bool(x) for x in to_list(lst))


def f_anytrue(lst: Any) -> bool:
    return any(to_bool(x) for x in to_list(lst))


def f_setunion(*sets: Any) -> list[Any]:
    return make_set([x for s in sets for x in to_list(s)])


def f_setintersection(first: Any, *rest: Any) -> list[Any]:
    items = make_set(to_list(first))
    for other in rest:
        o = {_identity(y) for y in to_list(other)}
        items = TfSet(x for x in items if _identity(x) in o)
    return items


def f_setsubtract(a: Any, b: Any) -> list[Any]:
    o = {_identity(y) for y in to_list(b)}
    return TfSet(x for x in make_set(to_list(a)) if _identity(x) not in o)


def f_chunklist(lst: Any, size: Any) -> list[list[Any]]:
    items, n = to_list(lst), to_int(size)
    if n < 0:
        raise FunctionError("chunklist: the size argument must be positive")
    if n == 0:
        return [items]
    return [items[i : i + n] for i in range(0, len(items), n)]


def f_coalesce(*args: Any) -> Any:
    for a in _unify(list(args)):  # mixed primitives unify to string: coalesce(1, "a") is "1"
        if a is not None and a != "":
            return a
    raise FunctionError("coalesce: no non-null, non-empty-string arguments")


def f_coalescelist(*args: Any) -> list[Any]:
    for a in args:
        if to_list(a):
            return a
    raise FunctionError("coalescelist: no non-empty list arguments")


def f_reverse(lst: Any) -> list[Any]:
    return list(reversed(to_list(lst)))


# ---- conversions --------------------------------------------------------------------------

def f_tostring(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise FunctionError(f"tostring: cannot convert {type_name(value)} to string")
    return to_string(value)


def f_tonumber(value: Any) -> Any:
    return None if value is None else to_number(value)


def f_tobool(value: Any) -> Any:
    return None if value is None else to_bool(value)


def _unify(items: list[Any]) -> list[Any]:
    """Mixed primitive elements convert to strings, as Terraform's list/set types require."""
    kinds = {type_name(x) for x in items if x is not None}
    if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
        return [None if x is None else to_string(x) for x in items]
    return items


def f_tolist(value: Any) -> Any:
    if value is None:
        return None
    return TfList(_unify(list(to_list(value))))


def f_toset(value: Any) -> Any:
    if value is None:
        return None
    return make_set(_unify(to_list(value)))


def f_tomap(value: Any) -> Any:
    if value is None:
        return None
    m = to_map(value)
    kinds = {type_name(x) for x in m.values() if x is not None}
    if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
        return TfMap({k: (None if v is None else to_string(v)) for k, v in m.items()})
    kinds.discard("Unknown")  # a value known only after apply may be of any type
    if len(kinds) > 1 and ("list" in kinds or "object" in kinds):
        # a number next to a list, a string next to an object: no one element type (terraform errors)
        raise FunctionError(f"tomap: cannot convert to a map: no single element type for {', '.join(sorted(kinds))}")
    return TfMap(m)


# ---- encodings ----------------------------------------------------------------------------

def _json_number(value: int | float) -> str:
    return format_number(value)


def _json(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _json_number(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    if isinstance(value, list):
        return "[" + ",".join(_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(_json(str(k)) + ":" + _json(value[k]) for k in sorted(value)) + "}"
    raise FunctionError(f"jsonencode: cannot encode {type_name(value)}")


def jsonencode(value: Any) -> str:
    """Terraform's compact JSON: sorted keys, no spaces, Go's HTML-safe escapes."""
    return _json(value)


def _from_json(value: Any) -> Any:
    if isinstance(value, float):
        return norm_number(value)
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _from_json(v) for k, v in value.items()}
    return value


def f_jsondecode(text: Any) -> Any:
    try:
        return _from_json(json.loads(to_string(text)))
    except ValueError as err:
        raise FunctionError(f"jsondecode: {err}") from None
    except RecursionError:
        raise FunctionError(f"jsondecode: {TOO_DEEP}") from None


@functools.lru_cache(maxsize=1)
def _yaml_loader() -> type:
    """YAML 1.1 as Terraform's decoder reads it (``y``/``n`` are booleans too); built on first
    use, so that runs without ``yamldecode`` never import PyYAML."""
    import yaml

    class YamlLoader(yaml.SafeLoader):
        pass

    # Numbers follow YAML 1.2's core schema as Terraform's decoder does: "010" is 10, "0o10" is 8,
    # "1_000", "0b101" and "1:30" stay strings (PyYAML's 1.1 resolvers would read 8, 1000, 5, 90).
    YamlLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    YamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
    YamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+.0123456789"))
    YamlLoader.add_constructor("tag:yaml.org,2002:int", _yaml_int)
    YamlLoader.add_constructor("tag:yaml.org,2002:float", _yaml_float)
    YamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
    YamlLoader.add_constructor(
        "tag:yaml.org,2002:bool",
        lambda loader, node: loader.construct_scalar(node).lower() in ("y", "yes", "true", "on"))
    return YamlLoader


def _yaml_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _yaml_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    text = loader.construct_scalar(node).lower()
    if text.endswith(".nan"):
        raise FunctionError("yamldecode: floating point NaN is not supported")
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    return float(text)


def f_yamldecode(text: Any) -> Any:
    import yaml

    from estimator.errors import ConfigError
    from estimator.yaml_guard import safe_load

    try:  # aliases nested to billions of values are an error, not a hang
        return _from_json(_yaml_plain(safe_load(to_string(text), "yamldecode", _yaml_loader())))
    except yaml.YAMLError as err:
        raise FunctionError(f"yamldecode: {str(err).splitlines()[0]}") from None
    except ConfigError as err:
        raise FunctionError(f"yamldecode: {err.message}") from None


def _yaml_plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _yaml_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_yaml_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def f_yamlencode(value: Any) -> str:
    return _yaml(value, 0) + "\n" if not isinstance(value, (list, dict)) or not value else _yaml(value, 0)


_YAML_NOT_PRINTABLE = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")


def _yaml_literal(text: str, indent: int) -> str | None:
    """A string with a line break as a YAML literal block (``|``), as go-yaml (terraform's yamlencode)
    writes it when it can: not with a space before a break, a trailing space or an unprintable character."""
    if " \n" in text or text.endswith(" ") or _YAML_NOT_PRINTABLE.search(text) or "\u2028" in text \
            or "\u2029" in text:
        return None
    hint = "2" if text[0] in " \n" else ""
    chomp = "-" if not text.endswith("\n") else "+" if text == "\n" or text.endswith("\n\n") else ""
    pad = " " * (indent + 2)
    lines = text.split("\n")
    body = "\n".join(pad + line if line else "" for line in lines)
    if text.endswith("\n"):
        body = body[:-1]  # the caller ends the value with its own line break
    return f"|{hint}{chomp}\n{body}"


def _yaml_scalar(value: Any, indent: int = 0) -> str:
    if isinstance(value, str) and "\n" in value:
        block = _yaml_literal(value, indent)
        if block is not None:
            return block
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, dict) and not value:
        return "{}"
    raise FunctionError("yamlencode: unexpected value")


def _yaml(value: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict) and value:
        lines = []
        for k in sorted(value):
            v = value[k]
            key = json.dumps(str(k), ensure_ascii=False)
            if isinstance(v, dict) and v:
                lines.append(f"{pad}{key}:\n{_yaml(v, indent + 2)}")
            elif isinstance(v, list) and v:
                lines.append(f"{pad}{key}:\n{_yaml(v, indent)}")
            else:
                lines.append(f"{pad}{key}: {_yaml_scalar(v, indent)}\n")
        return "".join(lines)
    if isinstance(value, list) and value:
        lines = []
        for v in value:
            if (isinstance(v, dict) and v) or (isinstance(v, list) and v):
                inner = _yaml(v, indent + 2)
                lines.append(f"{pad}- {inner[indent + 2:]}")
            else:
                lines.append(f"{pad}- {_yaml_scalar(v, indent)}\n")
        return "".join(lines)
    return _yaml_scalar(value)


def f_base64encode(text: Any) -> str:
    return base64.b64encode(to_string(text).encode("utf-8")).decode("ascii")


def f_base64decode(text: Any) -> str:
    try:
        return base64.b64decode(to_string(text), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as err:
        raise FunctionError(f"base64decode: {err}") from None


# ---- network ------------------------------------------------------------------------------

def f_cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    try:
        net = ipaddress.ip_network(to_string(prefix), strict=False)
    except ValueError as err:
        raise FunctionError(f"cidrsubnet: invalid CIDR expression: {err}") from None
    bits, num = to_int(newbits), to_int(netnum)
    new_prefix = net.prefixlen + bits
    if new_prefix > net.max_prefixlen:
        raise FunctionError(f"cidrsubnet: insufficient address space to extend prefix of {net.prefixlen} by {bits}")
    if num < 0 or num >= 2**bits:
        raise FunctionError(f"cidrsubnet: prefix extension of {bits} does not accommodate a subnet numbered {num}")
    base = int(net.network_address) + (num << (net.max_prefixlen - new_prefix))
    return f"{ipaddress.ip_address(base) if net.version == 6 else ipaddress.IPv4Address(base)}/{new_prefix}"


def f_cidrhost(prefix: Any, hostnum: Any) -> str:
    try:
        net = ipaddress.ip_network(to_string(prefix), strict=False)
    except ValueError as err:
        raise FunctionError(f"cidrhost: invalid CIDR expression: {err}") from None
    num = to_int(hostnum)
    size = net.num_addresses
    if num < 0:
        num += size
    if not 0 <= num < size:
        raise FunctionError(f"cidrhost: prefix of {net.prefixlen} does not accommodate a host numbered {to_int(hostnum)}")
    return str(net.network_address + num)


def f_cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    """Consecutive subnets of the given extra prefix bits, allocated as Terraform does
    (each after the previous one, aligned to its own size)."""
    try:
        net = ipaddress.ip_network(to_string(prefix), strict=False)
    except ValueError as err:
        raise FunctionError(f"cidrsubnets: invalid CIDR expression: {err}") from None
    if not newbits:
        return []
    width = net.max_prefixlen
    start = int(net.network_address)
    top = (1 << width) - 1
    net_end = start + net.num_addresses - 1

    def mask(length: int) -> int:
        return top ^ ((1 << (width - length)) - 1)

    lengths = []
    for i, bits in enumerate(newbits):
        extra = to_int(bits)
        if extra < 1:
            raise FunctionError(f"cidrsubnets: must extend prefix by at least one bit (argument {i + 2})")
        if net.prefixlen + extra > width:
            raise FunctionError(f"cidrsubnets: would extend prefix to {net.prefixlen + extra} bits, which is too "
                                f"long for an IPv{net.version} address (argument {i + 2})")
        lengths.append(net.prefixlen + extra)
    # Start from the subnet just before the network, so the first "next" is the network's first.
    cur_len = lengths[0]
    cur = ((start - 1) & top) & mask(cur_len)
    out = []
    make = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
    for i, length in enumerate(lengths):
        last = cur | ((1 << (width - cur_len)) - 1)  # the last address of the current subnet
        aligned = last & mask(length)
        after = (aligned | ((1 << (width - length)) - 1)) + 1
        if after > top or not start <= after <= net_end:
            raise FunctionError(f"cidrsubnets: not enough remaining address space for a subnet with a prefix "
                                f"of {length} bits after {make(cur)}/{cur_len} (argument {i + 2})")
        cur, cur_len = after & mask(length), length
        out.append(f"{make(cur)}/{length}")
    return out


def f_cidrnetmask(prefix: Any) -> str:
    try:
        net = ipaddress.ip_network(to_string(prefix), strict=False)
    except ValueError as err:
        raise FunctionError(f"cidrnetmask: invalid CIDR expression: {err}") from None
    if net.version != 4:
        raise FunctionError("cidrnetmask: only IPv4 networks have a netmask")
    return str(net.netmask)


# ---- time -----------------------------------------------------------------------------------

_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _parse_timestamp(name: str, text: Any) -> datetime.datetime:
    m = _RFC3339.match(to_string(text))
    if not m:
        raise FunctionError(f'{name}: not a valid RFC3339 timestamp: "{to_string(text)}"')
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac, zone = m.group(7), m.group(8)
    if zone in ("Z", "z"):
        tz = datetime.timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    try:
        return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError as err:
        raise FunctionError(f"{name}: not a valid RFC3339 timestamp: {err}") from None


def _offset(ts: datetime.datetime, colon: bool) -> str:
    minutes = int(ts.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{mins:02d}"


def _rfc3339(ts: datetime.datetime) -> str:
    zone = "Z" if ts.utcoffset() == datetime.timedelta(0) else _offset(ts, True)
    return ts.strftime("%Y-%m-%dT%H:%M:%S") + zone


def f_formatdate(spec: Any, timestamp: Any) -> str:
    """Terraform's formatdate: runs of one letter are fields, 'quoted' text is literal."""
    ts = _parse_timestamp("formatdate", timestamp)
    fmt = to_string(spec)
    utc = ts.utcoffset() == datetime.timedelta(0)
    hour12 = ts.hour % 12 or 12
    fields = {
        "YYYY": f"{ts.year:04d}", "YY": f"{ts.year % 100:02d}",
        "MMMM": _MONTHS[ts.month - 1], "MMM": _MONTHS[ts.month - 1][:3], "MM": f"{ts.month:02d}", "M": str(ts.month),
        "DD": f"{ts.day:02d}", "D": str(ts.day),
        "EEEE": _DAYS[ts.weekday()], "EEE": _DAYS[ts.weekday()][:3],
        "hh": f"{ts.hour:02d}", "h": str(ts.hour), "HH": f"{hour12:02d}", "H": str(hour12),
        "AA": "PM" if ts.hour >= 12 else "AM", "aa": "pm" if ts.hour >= 12 else "am",
        "mm": f"{ts.minute:02d}", "m": str(ts.minute), "ss": f"{ts.second:02d}", "s": str(ts.second),
        "ZZZZZ": _offset(ts, True), "ZZZZ": _offset(ts, False),
        "ZZZ": "UTC" if utc else _offset(ts, False), "Z": "Z" if utc else _offset(ts, True),
    }
    out: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "'":
            end = i + 1
            text: list[str] = []
            while True:
                j = fmt.find("'", end)
                if j < 0:
                    raise FunctionError("formatdate: unterminated literal '")
                text.append(fmt[end:j])
                if fmt[j + 1:j + 2] == "'":  # '' inside quotes is one quote
                    text.append("'")
                    end = j + 2
                    continue
                break
            out.append("".join(text) if j > i + 1 else "'")
            i = j + 1
            continue
        if ch.isalpha():
            j = i
            while j < len(fmt) and fmt[j] == ch:
                j += 1
            run = fmt[i:j]
            if run not in fields:
                raise FunctionError(f'formatdate: invalid date format verb "{run}": '
                                    "literal letters must be in quotes")
            out.append(fields[run])
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


_DURATION = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
            "m": 60_000_000_000, "h": 3_600_000_000_000}


def _go_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds ("1h30m", "-1.5h", "300ms")."""
    body = text
    sign = 1
    if body[:1] in "+-" and body:
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if body == "0":
        return 0
    if not body:
        raise FunctionError(f'timeadd: invalid duration "{text}"')
    total = decimal.Decimal(0)
    pos = 0
    while pos < len(body):
        m = _DURATION.match(body, pos)
        if not m or m.group(1) in ("", "."):
            raise FunctionError(f'timeadd: invalid duration "{text}"')
        total += decimal.Decimal(m.group(1)) * _UNIT_NS[m.group(2)]
        pos = m.end()
    return sign * int(total)


def f_timeadd(timestamp: Any, duration: Any) -> str:
    ts = _parse_timestamp("timeadd", timestamp)
    nanos = _go_duration(to_string(duration))
    if abs(nanos) >= 2**63:  # Go's time.Duration is an int64 of nanoseconds (about 292 years)
        raise FunctionError(f'timeadd: invalid duration "{to_string(duration)}": out of range')
    try:
        return _rfc3339(ts + datetime.timedelta(microseconds=nanos // 1000))
    except OverflowError:
        raise FunctionError("timeadd: the result is outside the years Terraform can represent") from None


def f_timecmp(a: Any, b: Any) -> int:
    ta, tb = _parse_timestamp("timecmp", a), _parse_timestamp("timecmp", b)
    return (ta > tb) - (ta < tb)


# ---- encodings -----------------------------------------------------------------------------

def f_textencodebase64(text: Any, encoding: Any) -> str:
    try:
        return base64.b64encode(to_string(text).encode(to_string(encoding))).decode("ascii")
    except LookupError:
        raise FunctionError(f'textencodebase64: "{to_string(encoding)}" is not a supported IANA encoding name') from None
    except UnicodeEncodeError as err:
        raise FunctionError(f"textencodebase64: the given string contains characters that cannot be "
                            f"represented in {to_string(encoding)}: {err}") from None


def f_textdecodebase64(text: Any, encoding: Any) -> str:
    try:
        return base64.b64decode(to_string(text), validate=True).decode(to_string(encoding))
    except LookupError:
        raise FunctionError(f'textdecodebase64: "{to_string(encoding)}" is not a supported IANA encoding name') from None
    except (ValueError, UnicodeDecodeError) as err:
        raise FunctionError(f"textdecodebase64: {err}") from None


def f_setproduct(*sets: Any) -> list[Any]:
    """All combinations, one element from each argument; a set result if every argument is a set."""
    if not sets:
        raise FunctionError("setproduct: at least one argument is required")
    lists = [to_list(s) for s in sets]
    total = 1
    for lst in lists:
        total *= len(lst)
    if total > 100_000:
        raise FunctionError(f"setproduct: the product has {total} elements, over the limit of 100000")
    combos = [list(c) for c in itertools.product(*lists)]
    return make_set(combos) if all(isinstance(s, TfSet) for s in sets) else combos


def _removed(name: str, instead: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        raise FunctionError(f'the "{name}" function was deprecated in Terraform v0.12 and is no longer '
                            f"available; use {instead} instead")
    return call


def _unknown_result(name: str, why: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        raise UnknownResult(why)
    return call


# ---- encodings -----------------------------------------------------------------------------

def f_base64gzip(text: Any) -> str:
    """gzip then base64. The content round-trips like Terraform's; the compressed bytes come
    from zlib, not Go's flate, so the text can differ from Terraform's for the same input."""
    return base64.b64encode(gzip.compress(to_string(text).encode("utf-8"), mtime=0)).decode("ascii")


# ---- files (module-confined) --------------------------------------------------------------

def f_file(ctx: FunctionContext, path: Any) -> str:
    return ctx.read_file(to_string(path))


def f_fileexists(ctx: FunctionContext, path: Any) -> bool:
    return ctx.file_exists(to_string(path))


def f_filebase64(ctx: FunctionContext, path: Any) -> str:
    return base64.b64encode(ctx.read_bytes(to_string(path))).decode("ascii")


def f_fileset(ctx: FunctionContext, path: Any, pattern: Any) -> TfSet:
    return make_set(ctx.fileset(to_string(path), to_string(pattern)))


def f_templatestring(ctx: FunctionContext, template: Any, variables: Any) -> Any:
    return ctx.render_template(to_string(template), to_map(variables), "")


def _file_hash(name: str, encode: str = "hex") -> Callable[[FunctionContext, Any], str]:
    def digest(ctx: FunctionContext, path: Any) -> str:
        raw = ctx.file_digest(to_string(path), name)
        return raw.hex() if encode == "hex" else base64.b64encode(raw).decode("ascii")
    return digest


def f_abspath(ctx: FunctionContext, path: Any) -> str:
    """Relative to the root module directory, where terraform runs, not costrail's own cwd."""
    return os.path.normpath(os.path.join(ctx.working_dir(), to_string(path))).replace(os.sep, "/")


def f_templatefile(ctx: FunctionContext, path: Any, variables: Any) -> Any:
    text = ctx.read_file(to_string(path))
    return ctx.render_template(text, to_map(variables), to_string(path))


def _hash(name: str, encode: str = "hex") -> Callable[[Any], str]:
    def digest(text: Any) -> str:
        import hashlib  # here: it loads OpenSSL (~7 ms), which few configurations need

        h = hashlib.new(name, to_string(text).encode("utf-8"))
        return h.hexdigest() if encode == "hex" else base64.b64encode(h.digest()).decode("ascii")
    return digest


def f_csvdecode(text: Any) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(to_string(text))))
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    for row in body:
        if len(row) != len(header):
            raise FunctionError("csvdecode: wrong number of fields in a row")
    return [dict(zip(header, row, strict=True)) for row in body]


def f_transpose(value: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in sorted(to_map(value)):
        for item in to_list(value[key]):
            out.setdefault(to_string(item), []).append(key)
    return dict(sorted(out.items()))


def f_matchkeys(values: Any, keys: Any, search: Any) -> list[Any]:
    vals, ks, wanted = to_list(values), to_list(keys), to_list(search)
    if len(vals) != len(ks):
        raise FunctionError("matchkeys: length of keys and values should be equal")
    found = {_identity(w) for w in wanted}
    return [v for v, k in zip(vals, ks, strict=True) if _identity(k) in found]


def f_uuidv5(namespace: Any, name: Any) -> str:
    """A name-based UUID: deterministic, so known here (unlike uuid())."""
    import uuid

    ns = to_string(namespace)
    known = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL, "oid": uuid.NAMESPACE_OID,
             "x500": uuid.NAMESPACE_X500}
    try:
        space = known[ns] if ns in known else uuid.UUID(ns)
    except ValueError:
        raise FunctionError(f"uuidv5: uuidv5() doesn't support namespace {ns}") from None
    return str(uuid.uuid5(space, to_string(name)))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": f_format, "formatlist": f_formatlist, "join": f_join, "split": f_split,
    "replace": f_replace, "lower": lambda s: _case(to_string(s), str.lower), "upper": lambda s: _case(to_string(s), str.upper),
    "title": f_title, "trimspace": lambda s: to_string(s).strip(), "trim": f_trim,
    "trimprefix": f_trimprefix, "trimsuffix": f_trimsuffix, "substr": f_substr,
    "strrev": lambda s: to_string(s)[::-1], "chomp": lambda s: re.sub(r"[\r\n]+$", "", to_string(s)),
    "indent": lambda n, s: to_string(s).replace("\n", "\n" + " " * to_int(n)),
    "startswith": lambda s, p: to_string(s).startswith(to_string(p)),
    "endswith": lambda s, p: to_string(s).endswith(to_string(p)),
    "strcontains": lambda s, p: to_string(p) in to_string(s),
    "regex": f_regex, "regexall": f_regexall,
    "length": f_length, "keys": f_keys, "values": f_values, "lookup": f_lookup, "merge": f_merge,
    "concat": f_concat, "element": f_element, "index": f_index, "contains": f_contains,
    "flatten": f_flatten, "distinct": f_distinct, "compact": f_compact, "zipmap": f_zipmap,
    "range": f_range, "sort": f_sort, "reverse": f_reverse, "slice": f_slice, "sum": f_sum,
    "one": f_one, "alltrue": f_alltrue, "anytrue": f_anytrue, "setunion": f_setunion,
    "setintersection": f_setintersection, "setsubtract": f_setsubtract, "chunklist": f_chunklist,
    "coalesce": f_coalesce, "coalescelist": f_coalescelist, "uuidv5": f_uuidv5,
    "min": f_min, "max": f_max, "ceil": lambda n: math.ceil(to_number(n)),
    "floor": lambda n: math.floor(to_number(n)), "abs": lambda n: abs(to_number(n)),
    "signum": lambda n: (to_number(n) > 0) - (to_number(n) < 0),
    "pow": lambda a, b: norm_number(float(to_number(a)) ** float(to_number(b))),
    "log": lambda a, b: math.log(to_number(a), to_number(b)),
    "parseint": f_parseint,
    "tostring": f_tostring, "tonumber": f_tonumber, "tobool": f_tobool, "tolist": f_tolist,
    "toset": f_toset, "tomap": f_tomap,
    "jsonencode": jsonencode, "jsondecode": f_jsondecode, "yamlencode": f_yamlencode,
    "yamldecode": f_yamldecode, "base64encode": f_base64encode, "base64decode": f_base64decode,
    "cidrsubnet": f_cidrsubnet, "cidrhost": f_cidrhost, "cidrsubnets": f_cidrsubnets,
    "cidrnetmask": f_cidrnetmask, "formatdate": f_formatdate, "timeadd": f_timeadd,
    "base64gzip": f_base64gzip, "timecmp": f_timecmp, "setproduct": f_setproduct,
    "textencodebase64": f_textencodebase64, "textdecodebase64": f_textdecodebase64,
    "abspath": lambda p: os.path.abspath(to_string(p)).replace(os.sep, "/"),  # no module: CONTEXT_FUNCTIONS
    "pathexpand": lambda p: os.path.expanduser(to_string(p)),
    "ephemeralasnull": lambda v: v,  # no value read here is ephemeral
    "rsadecrypt": _unknown_result("rsadecrypt", "rsadecrypt() needs the private key; not evaluated offline"),
    "list": _removed("list", "tolist([...])"), "map": _removed("map", "tomap({...})"),
    "basename": lambda p: os.path.basename(to_string(p)), "dirname": lambda p: os.path.dirname(to_string(p)),
    "md5": _hash("md5"), "sha1": _hash("sha1"), "sha256": _hash("sha256"), "sha512": _hash("sha512"),
    "base64sha256": _hash("sha256", "base64"), "base64sha512": _hash("sha512", "base64"),
    "urlencode": lambda s: urllib.parse.quote_plus(to_string(s), safe="-_.~"),
    "csvdecode": f_csvdecode, "transpose": f_transpose, "matchkeys": f_matchkeys,
    "sensitive": lambda v: v, "nonsensitive": lambda v: v, "issensitive": lambda v: False,
}

CONTEXT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abspath": f_abspath, "file": f_file, "fileexists": f_fileexists, "templatefile": f_templatefile,
    "filebase64": f_filebase64, "fileset": f_fileset, "templatestring": f_templatestring,
    "filemd5": _file_hash("md5"), "filesha1": _file_hash("sha1"), "filesha256": _file_hash("sha256"),
    "filesha512": _file_hash("sha512"), "filebase64sha256": _file_hash("sha256", "base64"),
    "filebase64sha512": _file_hash("sha512", "base64"),
}

# Functions that only move values around: nested unknowns pass through them untouched.
PASS_UNKNOWN = frozenset({
    "concat", "merge", "flatten", "lookup", "element", "tolist", "tomap", "values", "slice",
    "reverse", "one", "coalescelist", "chunklist", "length", "keys", "zipmap",
})

# Evaluated by the evaluator itself (their arguments must not be evaluated eagerly).
SPECIAL_FORMS = frozenset({"try", "can"})
