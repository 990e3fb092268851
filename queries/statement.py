"""The statement check of ad-hoc Cypher: the first guard, before Neo4j sees the text.

The text is tokenised the way Cypher reads it — ``\\uXXXX`` escapes decoded first (Neo4j decodes them anywhere
in the text), comments dropped, string literals reduced to a placeholder, backtick-quoted names unquoted — so
that neither a keyword hidden in a comment nor one quoted in a string changes the verdict. Keywords are compared
after NFKC normalisation (full-width letters) and with invisible format characters (zero-width space, BOM …)
removed, in any letter case. The rules:

- one statement only (a trailing ``;`` is allowed);
- it starts with a reading clause (``MATCH``, ``OPTIONAL``, ``WITH``, ``UNWIND``, ``CALL``, ``RETURN``) or is
  ``SHOW [qualifiers] INDEXES|CONSTRAINTS`` — every administration command (users, roles, databases,
  servers, privileges, settings, transactions) starts with another word and is refused;
- no writing, loading or control keyword anywhere (``CREATE``, ``MERGE``, ``SET``, ``REMOVE``, ``DELETE``,
  ``DETACH``, ``DROP``, ``FOREACH``, ``LOAD``, ``INSERT``, ``USE``, ``PERIODIC``, ``TRANSACTIONS`` …);
- ``CALL name`` only for the read procedures in :data:`ALLOWED_PROCEDURES`; namespaced functions only from
  the built-in temporal, spatial and vector namespaces (so no ``apoc.*``, ``gds.*``, ``dbms.*``);
- no protected property named anywhere (``idHash``, ``idCipher``, ``phoneHash``, ``phoneCipher``,
  ``tokenHash``, and ``tags`` unless allowed) and, for callers who may not see them, no ``key`` read as a
  property (``x.key``, ``{.key}``, ``{key: …}``): a person's key embeds the ID hash;
- no protected label named anywhere (``AuditEntry``, ``ApiToken``): the audit trail is for administrators
  and tokens for nobody; dynamic labels (``n:$(…)``) are refused because they name a label at run time;
- no whole property map (``properties(x)``, ``x {.*}``): a map holding a protected value can be compared or
  sorted against one the caller builds, so protected values would leak without being named; return the node
  itself (protected keys are removed from it) or name the properties;
- no computed subscript ``x[expr]`` — only literal indexes and slices — because ``n['id' + 'Hash']`` would
  read a protected property without naming it. Whether ``[`` is a subscript or opens a list is decided from
  the grammar: after a value (a name, a literal, a parameter, ``)``, ``]``, ``}``) it is a subscript, and so
  it is after a keyword that the statement also uses as a variable name (``WITH p AS skip RETURN skip[…]``);
- at most ``max_length`` characters (``GRIDGRAPH_CYPHER_MAX_LENGTH``);
- no loop inside one expression that neither the time limit nor the memory limit can stop: Neo4j checks both
  between rows and in the operators that keep rows (collect, ORDER BY, DISTINCT), not while it evaluates one
  expression, so ``reduce(…)`` is refused (it doubles a string 30 times in one step) and ``range(…)`` takes
  integer literals spanning at most :data:`MAX_RANGE` values (a list comprehension over it is built whole).

The plan is checked too (:func:`check_plan`, on ``EXPLAIN``'s plan): a statement that scans all nodes or
looks nodes up by id could reach audit entries and tokens without naming their labels (``MATCH (n) WHERE
'AuditEntry' IN labels(n)``), so those operators are refused; audit entries and tokens have no
relationships, so every other way to a node starts from a label.

Later guards do not trust this one: the statement must also plan as a read query (``EXPLAIN``), runs in a read
transaction, and protected keys are removed from every value returned.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from queries.errors import (
    CypherInvalid,
    CypherLimitError,
    ForbiddenClause,
    ForbiddenProcedure,
    MultipleStatements,
    ProtectedLabel,
    ProtectedProperty,
)
from schema.model import NODE_TYPES, Sensitivity

ALLOWED_PROCEDURES: frozenset[str] = frozenset({
    "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships",
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
    "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties",
})

# Namespaces of built-in functions (date.truncate, duration.between, point.distance, vector.similarity.cosine).
ALLOWED_FUNCTION_NAMESPACES: frozenset[str] = frozenset({
    "date", "datetime", "localdatetime", "localtime", "time", "duration", "point", "vector",
})

# From the model's sensitivity of each property: secret ones (hashes, ciphertext) are never read; restricted ones
# (person tags) only by roles that may see them.
PROTECTED_PROPERTIES: frozenset[str] = frozenset(
    name for node_type in NODE_TYPES.values() for name, level in node_type.sensitive.items()
    if level is Sensitivity.SECRET)
RESTRICTED_PROPERTIES: frozenset[str] = frozenset(
    name for node_type in NODE_TYPES.values() for name, level in node_type.sensitive.items()
    if level is Sensitivity.RESTRICTED)
KEY_PROPERTY = "key"   # Person.key embeds the ID hash (until keys are opaque)
PROTECTED_LABELS: frozenset[str] = frozenset({"AuditEntry", "ApiToken"})
AUDIT_LABEL = "AuditEntry"

MAX_RANGE = 1_000_000  # values a range(…) of ad-hoc Cypher may span

# Plan operators that reach nodes without a label, so could reach audit entries and tokens.
UNLABELLED_NODE_OPERATORS: frozenset[str] = frozenset({
    "AllNodesScan", "PartitionedAllNodesScan", "NodeByIdSeek", "NodeByElementIdSeek",
})

FIRST_WORDS: frozenset[str] = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "CALL", "RETURN", "SHOW"})

FORBIDDEN_WORDS: dict[str, str] = {
    **dict.fromkeys(("CREATE", "MERGE", "SET", "REMOVE", "DELETE", "DETACH", "NODETACH", "INSERT", "FOREACH"),
                    "writes to the graph"),
    **dict.fromkeys(("DROP", "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "TERMINATE"),
                    "is an administration or schema command"),
    "LOAD": "reads files or URLs (LOAD CSV)",
    "USE": "switches to another database",
    "PERIODIC": "commits in batches (USING PERIODIC COMMIT)",
    "TRANSACTIONS": "runs in separate transactions (CALL … IN TRANSACTIONS)",
    "CONCURRENT": "runs in separate transactions (CALL … IN CONCURRENT TRANSACTIONS)",
    "EXPLAIN": "is added by the server itself; send the statement without it",
    "PROFILE": "is not available for ad-hoc queries; send the statement without it",
    "CYPHER": "query options are not accepted in ad-hoc queries",
}

SHOW_QUALIFIERS: frozenset[str] = frozenset({
    "ALL", "RANGE", "FULLTEXT", "TEXT", "POINT", "VECTOR", "LOOKUP", "BTREE", "UNIQUE", "UNIQUENESS",
    "EXIST", "EXISTENCE", "EXISTS", "KEY", "NODE", "RELATIONSHIP", "REL", "PROPERTY", "TYPE",
})
SHOW_OBJECTS: frozenset[str] = frozenset({"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS"})

# Keywords after which "[" opens a list literal rather than a subscript.
_LIST_OPENERS: frozenset[str] = frozenset({
    "RETURN", "WITH", "IN", "UNWIND", "AND", "OR", "XOR", "NOT", "WHERE", "THEN", "ELSE", "WHEN", "CASE",
    "DISTINCT", "SKIP", "LIMIT", "BY", "CONTAINS", "STARTS", "ENDS", "IS", "YIELD", "OFFSET",
})

# Invisible format characters (soft hyphen, zero-width space and joiners, bidi marks, BOM …) are kept inside
# words, then removed before comparing, so that "CRE\u200bATE" still reads as CREATE.
_FORMAT_CHARS = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_WORD = re.compile(rf"[\w{_FORMAT_CHARS}]+", re.UNICODE)
# Every character Python treats as a line break ends a // comment here: if Neo4j ended it later, this check
# would only see more text than Neo4j runs, never less.
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9a-fA-F]{4})")
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@dataclass(frozen=True)
class Token:
    """A lexical unit: ``word`` (keyword or name), ``name`` (backtick-quoted), ``string``, ``param``, ``symbol``.

    ``text`` of words and names is normalised: NFKC (full-width letters become ASCII) without format characters.
    """

    kind: str
    text: str
    position: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def _visible(text: str) -> str:
    """NFKC form without format characters: what a reader sees."""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in normal if unicodedata.category(ch) != "Cf")


def tokenize(query: str) -> list[Token]:
    """Split ``query`` into tokens as Cypher's lexer does; comments vanish and string contents are not kept.

    Comments, strings and quoted names are found in the raw text (as Neo4j finds them); only the words are
    normalised afterwards.
    """
    text = decode_unicode_escapes(query)
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("//", i):
            while i < n and text[i] not in _LINE_BREAKS:
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise CypherInvalid("the statement has a /* comment that is never closed with */")
            i = end + 2
        elif ch in "'\"":
            i = _skip_string(text, i)
            tokens.append(Token("string", "", i))
        elif ch == "`":
            name, i = _read_quoted(text, i)
            tokens.append(Token("name", _visible(name), i))
        elif ch == "$":
            if i + 1 < n and text[i + 1] == "`":
                name, i = _read_quoted(text, i + 1)
            else:
                match = _WORD.match(text, i + 1)
                name = match.group() if match else ""
                i = match.end() if match else i + 1
            tokens.append(Token("param", _visible(name), i))
        else:
            match = _WORD.match(text, i)
            if match:
                word = _visible(match.group())
                if word:  # a run of invisible characters alone separates like whitespace
                    tokens.append(Token("word", word, i))
                i = match.end()
            elif ch.isspace():
                i += 1
            else:
                tokens.append(Token("symbol", ch, i))
                i += 1
    return tokens


def decode_unicode_escapes(query: str) -> str:
    r"""The text as Neo4j's parser reads it: ``\uXXXX`` escapes are replaced everywhere, before lexing.

    Neo4j decodes them in names, keywords and punctuation too (``CR\u0045ATE`` is CREATE, ``\u0060`` a backtick,
    ``\u000a`` ends a ``//`` comment). As in Java, a backslash begins an escape only after an even number of
    backslashes. An escaped backslash (``\u005c``) could start a second round of decoding, so it is refused.
    """

    def decode(match: re.Match[str]) -> str:
        char = chr(int(match[2], 16))
        if char == "\\":
            raise CypherInvalid("a unicode escape of a backslash (\\u005c) is not accepted; write the character itself")
        return match[1] + char

    return _UNICODE_ESCAPE.sub(decode, query)


def _skip_string(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    raise CypherInvalid("the statement has a string literal that is never closed")


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    i, parts = start + 1, []
    while i < len(text):
        if text[i] == "`":
            if text.startswith("``", i):  # a doubled backtick is a literal backtick
                parts.append("`")
                i += 2
                continue
            return "".join(parts), i + 1
        parts.append(text[i])
        i += 1
    raise CypherInvalid("the statement has a `quoted name` that is never closed")


@dataclass(frozen=True)
class Visibility:
    """What a caller's ad-hoc statements may read beyond the common graph."""

    tags: bool = False    # Person.tags
    keys: bool = False    # Person.key (embeds the ID hash)
    audit: bool = False   # AuditEntry nodes

    @property
    def hidden_properties(self) -> frozenset[str]:
        """Property keys removed from every value returned."""
        return (PROTECTED_PROPERTIES | (frozenset() if self.tags else RESTRICTED_PROPERTIES)
                | (frozenset() if self.keys else {KEY_PROPERTY}))

    @property
    def hidden_labels(self) -> frozenset[str]:
        """Labels whose nodes come back without properties."""
        return PROTECTED_LABELS - ({AUDIT_LABEL} if self.audit else set())


def check_statement(query: str, *, allow_tags: bool = False, allow_keys: bool = False, allow_audit: bool = False,
                    max_length: int | None = None) -> str:
    """Refuse ``query`` unless it passes every rule above; return it without a trailing ``;``."""
    if max_length is not None and len(query) > max_length:
        raise CypherLimitError(
            f"the statement has {len(query)} characters, more than the {max_length} allowed; shorten it, or have "
            "an administrator raise GRIDGRAPH_CYPHER_MAX_LENGTH", parameter="query")
    tokens = tokenize(query)
    tokens = _single_statement(tokens)
    if not tokens:
        raise CypherInvalid("the statement is empty; send a Cypher query such as MATCH (n:Grid) RETURN count(n)")
    _first_word(tokens)
    protected = {p.lower() for p in PROTECTED_PROPERTIES | (frozenset() if allow_tags else RESTRICTED_PROPERTIES)}
    labels = {label.lower() for label in PROTECTED_LABELS - ({AUDIT_LABEL} if allow_audit else set())}
    variables = _declared_names(tokens)
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        after_dot_or_colon = previous is not None and previous.kind == "symbol" and previous.text in ".:"
        if token.kind in ("word", "name") and token.text.lower() in protected:
            raise ProtectedProperty(
                f"{token.text!r} is protected personal data and cannot be read with ad-hoc Cypher; "
                "use idMasked / phoneMasked, or the audited reveal of the API"
                + ("" if allow_tags else "; person tags need a role that may see them"))
        if token.kind in ("word", "name") and token.text.lower() in labels:
            raise ProtectedLabel(
                f"{token.text!r} nodes cannot be read with ad-hoc Cypher"
                + ("; the audit trail is for administrators (auditTrail in the API)"
                   if token.text.lower() == AUDIT_LABEL.lower() else "; tokens are listed by `gridgraph token list`"))
        if not allow_keys and token.kind in ("word", "name") and token.text == KEY_PROPERTY \
                and _is_property_name(previous, following):
            raise ProtectedProperty(
                "a person's key cannot be read with this role's ad-hoc Cypher (it is derived from the ID "
                "number); return the person node or other properties instead")
        if token.kind == "symbol" and token.text == "*" and previous is not None and previous.text == "." \
                and previous.kind == "symbol":
            raise ProtectedProperty(
                "a map projection of all properties (x {.*}) is not accepted in ad-hoc Cypher; return the node "
                "itself (protected properties are removed from it) or name the properties: p {.name, .sex}")
        if token.kind == "param" and (not token.text or (following is not None and following.kind == "symbol"
                                                         and following.text == "(")):
            raise ForbiddenClause("dynamic labels and types ($(…), $any(…), $all(…)) are not accepted in ad-hoc "
                                  "Cypher; name the label")
        if token.kind == "word" and not after_dot_or_colon:
            reason = FORBIDDEN_WORDS.get(token.upper)
            if reason is not None:
                raise ForbiddenClause(
                    f"{token.upper} {reason}; ad-hoc Cypher is read-only. (A name that is also a keyword must "
                    f"be quoted in backticks, e.g. `{token.text.lower()}`.)")
            if token.upper == "SHOW" and index != 0:
                raise ForbiddenClause("SHOW is accepted only as SHOW INDEXES or SHOW CONSTRAINTS on its own")
            if token.upper == "CALL":
                _check_call(tokens, index)
            if token.upper == "REDUCE" and following is not None and following.text == "(":
                raise CypherLimitError(
                    "reduce(…) is not accepted in ad-hoc Cypher: it builds a value inside one expression, where "
                    "neither the time limit nor the memory limit (GRIDGRAPH_NEO4J_TX_MEMORY) can stop it; use "
                    "UNWIND and an aggregation (sum, collect) instead")
            if token.upper == "RANGE" and following is not None and following.text == "(":
                _check_range(tokens, index + 1)
            if token.upper == "PROPERTIES" and following is not None and following.text == "(":
                raise ProtectedProperty(
                    "properties(x) is not accepted in ad-hoc Cypher (a map with protected values can be compared "
                    "without naming them); return the node itself or name the properties: p {.name, .sex}")
        if token.kind in ("word", "name") and not after_dot_or_colon:
            _check_function(tokens, index)
        if token.kind == "symbol" and token.text == "[" and _is_subscript(previous, variables):
            _check_subscript(tokens, index)
    return _trimmed(query)


def _declared_names(tokens: list[Token]) -> frozenset[str]:
    """Names, in lower case, that the statement may bind as variables: after ``AS`` or ``YIELD``, before ``=``
    or ``IN``, and first in a ``(`` or ``[`` pattern (followed by ``:``, ``)``, ``]``, ``{``, ``,`` or ``WHERE``).
    Generous on purpose: a keyword wrongly taken for a variable only makes a list after it be checked like a
    subscript."""
    names: set[str] = set()
    for index, token in enumerate(tokens):
        if token.kind not in ("word", "name"):
            continue
        previous = tokens[index - 1] if index else None
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        after_keyword = previous is not None and previous.kind == "word" and previous.upper in ("AS", "YIELD")
        before = following is not None and ((following.kind == "symbol" and following.text == "=")
                                             or (following.kind == "word" and following.upper == "IN"))
        in_pattern = (previous is not None and previous.kind == "symbol" and previous.text in "(["
                      and following is not None
                      and ((following.kind == "symbol" and following.text in ":)]{,")
                           or (following.kind == "word" and following.upper == "WHERE")))
        if after_keyword or before or in_pattern:
            names.add(token.text.lower())
    return frozenset(names)


def _check_range(tokens: list[Token], opening: int) -> None:
    """``range(a, b[, step])`` with integer literals spanning at most MAX_RANGE values."""
    numbers: list[int] = []
    sign, index = 1, opening + 1
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "symbol" and token.text == ")":
            break
        if token.kind == "symbol" and token.text == "-":
            sign = -sign
        elif token.kind == "word" and token.text.isascii() and token.text.isdigit():
            numbers.append(sign * int(token.text))
            sign = 1
        elif not (token.kind == "symbol" and token.text == ","):
            numbers = []
            break
        index += 1
    span = (abs(numbers[1] - numbers[0]) // max(1, abs(numbers[2]) if len(numbers) == 3 else 1) + 1
            if len(numbers) in (2, 3) else None)
    if span is None or span > MAX_RANGE:
        raise CypherLimitError(
            f"range(…) in ad-hoc Cypher takes whole numbers written out, spanning at most {MAX_RANGE:,} values, "
            "because a list built from it is not bounded by the memory limit; UNWIND the rows you need from the "
            "graph instead")


def _is_property_name(previous: Token | None, following: Token | None) -> bool:
    """Whether a name in this place is a property key: ``x.key``, ``{.key}``, ``{key: …}``."""
    if previous is not None and previous.kind == "symbol" and previous.text == ".":
        return True
    return (following is not None and following.kind == "symbol" and following.text == ":"
            and previous is not None and previous.kind == "symbol" and previous.text in "{,")


def check_plan(plan: Mapping[str, Any] | None, *, allow_audit: bool = False) -> None:
    """Refuse a plan (``EXPLAIN``'s, as the driver gives it) that reaches nodes without a label or names a
    protected label (see the module)."""
    if plan is None:
        return
    labels = PROTECTED_LABELS - ({AUDIT_LABEL} if allow_audit else set())
    pending = [plan]
    while pending:
        operator = pending.pop()
        name = str(operator.get("operatorType", "")).split("@")[0]
        if name in UNLABELLED_NODE_OPERATORS:
            raise ProtectedLabel(
                f"the statement reads nodes without a label ({name}), which would include audit entries and "
                "tokens; give every node you start from a label, e.g. MATCH (n:Grid) instead of MATCH (n)")
        details = str((operator.get("args") or {}).get("Details", ""))
        for label in labels:
            if re.search(rf"(?<![\w`]){label}(?![\w`])", details):
                raise ProtectedLabel(f"{label} nodes cannot be read with ad-hoc Cypher")
        pending.extend(operator.get("children") or [])


def _single_statement(tokens: list[Token]) -> list[Token]:
    for index, token in enumerate(tokens):
        if token.kind == "symbol" and token.text == ";":
            if any(not (t.kind == "symbol" and t.text == ";") for t in tokens[index + 1:]):
                raise MultipleStatements("send one statement at a time; a ';' may only end the statement")
            return tokens[:index]
    return tokens


def _trimmed(query: str) -> str:
    # Only a trailing run of ';' and whitespace is cut; the check above proved nothing follows it.
    return query.rstrip().rstrip(";").rstrip()


def _first_word(tokens: list[Token]) -> None:
    first = tokens[0]
    if first.kind != "word" or first.upper not in FIRST_WORDS:
        shown = first.text if first.kind in ("word", "name") else first.text or "(text)"
        reason = FORBIDDEN_WORDS.get(first.upper, "") if first.kind == "word" else ""
        raise ForbiddenClause(
            f"ad-hoc Cypher is read-only and must start with MATCH, OPTIONAL MATCH, WITH, UNWIND, CALL, RETURN "
            f"or SHOW INDEXES/CONSTRAINTS; it starts with {shown!r}" + (f" ({first.upper} {reason})" if reason
                                                                        else ""))
    if first.upper == "SHOW":
        words = iter(t for t in tokens[1:])
        for token in words:
            if token.kind == "word" and token.upper in SHOW_QUALIFIERS:
                continue
            if token.kind == "word" and token.upper in SHOW_OBJECTS:
                return
            break
        raise ForbiddenClause("of the SHOW commands only SHOW INDEXES and SHOW CONSTRAINTS are allowed; users, "
                              "roles, databases, settings, procedures and transactions are for administrators")


def _qualified_name(tokens: list[Token], start: int) -> tuple[str, int]:
    """The dotted name starting at ``start`` and the index after it."""
    parts: list[str] = []
    index = start
    while index < len(tokens) and tokens[index].kind in ("word", "name"):
        parts.append(tokens[index].text)
        index += 1
        if index < len(tokens) and tokens[index].kind == "symbol" and tokens[index].text == ".":
            index += 1
            continue
        break
    return ".".join(parts), index


def _check_call(tokens: list[Token], index: int) -> None:
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is None:
        raise CypherInvalid("CALL must be followed by a procedure name or a { subquery }")
    if following.kind == "symbol" and following.text in "{(":
        return  # a subquery; its clauses are checked like the rest of the statement
    name, _ = _qualified_name(tokens, index + 1)
    if name not in ALLOWED_PROCEDURES:
        raise ForbiddenProcedure(
            f"procedure {name or following.text!r} is not allowed in ad-hoc Cypher; the allowed procedures are "
            f"{', '.join(sorted(ALLOWED_PROCEDURES))}")


def _check_function(tokens: list[Token], index: int) -> None:
    name, after = _qualified_name(tokens, index)
    if "." not in name:
        return
    is_call = after < len(tokens) and tokens[after].kind == "symbol" and tokens[after].text == "("
    previous = tokens[index - 1] if index else None
    if previous is not None and previous.kind == "word" and previous.upper == "CALL":
        return  # a procedure, checked by _check_call
    namespace = name.split(".")[0].lower()
    if namespace in ("apoc", "gds", "dbms") or (is_call and namespace not in ALLOWED_FUNCTION_NAMESPACES):
        raise ForbiddenProcedure(
            f"function {name!r} is not available to ad-hoc Cypher (only built-in functions and the "
            f"{', '.join(sorted(ALLOWED_FUNCTION_NAMESPACES))} namespaces)")


def _is_subscript(previous: Token | None, variables: frozenset[str]) -> bool:
    if previous is None:
        return False
    if previous.kind in ("name", "param", "string"):
        return True
    if previous.kind == "symbol":
        return previous.text in ")]}"
    # A keyword the statement also binds as a variable may be that variable: treat it as one.
    return previous.kind == "word" and (previous.upper not in _LIST_OPENERS or previous.text.lower() in variables)


def _check_subscript(tokens: list[Token], index: int) -> None:
    depth, inner = 0, []
    for token in tokens[index:]:
        if token.kind == "symbol" and token.text == "[":
            depth += 1
        elif token.kind == "symbol" and token.text == "]":
            depth -= 1
            if depth == 0:
                break
        if depth >= 1 and not (depth == 1 and token.kind == "symbol" and token.text == "["):
            inner.append(token)
    literal = all((t.kind == "word" and t.text.isdigit()) or (t.kind == "symbol" and t.text in "-.")
                  for t in inner)
    if not literal:
        raise ProtectedProperty(
            "a computed subscript x[…] can read protected properties by a name built at run time, so ad-hoc "
            "Cypher accepts only literal indexes and slices (xs[0], xs[-1], xs[1..3]); use head(), last() or a "
            "list comprehension instead")
