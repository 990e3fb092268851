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
  ``tokenHash``, and ``tags`` unless allowed), and no computed subscript ``x[expr]`` — only literal indexes
  and slices — because ``n['id' + 'Hash']`` would read a protected property without naming it.

Later guards do not trust this one: the statement must also plan as a read query (``EXPLAIN``), runs in a read
transaction, and protected keys are removed from every value returned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from queries.errors import (
    CypherInvalid,
    ForbiddenClause,
    ForbiddenProcedure,
    MultipleStatements,
    ProtectedProperty,
)

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

PROTECTED_PROPERTIES: frozenset[str] = frozenset({"idHash", "idCipher", "phoneHash", "phoneCipher", "tokenHash"})
TAGS_PROPERTY = "tags"

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


def check_statement(query: str, *, allow_tags: bool = False) -> str:
    """Refuse ``query`` unless it passes every rule above; return it without a trailing ``;``."""
    tokens = tokenize(query)
    tokens = _single_statement(tokens)
    if not tokens:
        raise CypherInvalid("the statement is empty; send a Cypher query such as MATCH (n) RETURN count(n)")
    _first_word(tokens)
    protected = {p.lower() for p in PROTECTED_PROPERTIES} | (set() if allow_tags else {TAGS_PROPERTY})
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        after_dot_or_colon = previous is not None and previous.kind == "symbol" and previous.text in ".:"
        if token.kind in ("word", "name") and token.text.lower() in protected:
            raise ProtectedProperty(
                f"{token.text!r} is protected personal data and cannot be read with ad-hoc Cypher; "
                "use idMasked / phoneMasked, or the audited reveal of the API"
                + ("" if allow_tags else "; person tags need a role that may see them"))
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
        if token.kind in ("word", "name") and not after_dot_or_colon:
            _check_function(tokens, index)
        if token.kind == "symbol" and token.text == "[" and _is_subscript(previous):
            _check_subscript(tokens, index)
    return _trimmed(query)


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


def _is_subscript(previous: Token | None) -> bool:
    if previous is None:
        return False
    if previous.kind in ("name", "param", "string"):
        return True
    if previous.kind == "symbol":
        return previous.text in ")]}"
    return previous.kind == "word" and previous.upper not in _LIST_OPENERS


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
