#!/usr/bin/env python3
"""Independent check of the "Draw protocol v1" (expert-draw/v1) test vectors.

A from-scratch reimplementation of docs/draw-proof.md written from that document
alone, in Python 3 standard library only.  It reads every test/vectors/NN-*.json
(format: spec section 12), runs the whole protocol on `input` -- strict input
parsing with the schema defaults, candidates and exclusions, digests,
requestHash / policyHash, the commit entry as RFC 8785 JCS text, its leaf hash,
entropy verification, seed message and seed, counter stream, ranking with skips,
top-ups and the expected failures -- and compares the outcome with every field of
`expected`.

Run from the project root:

    python3 test/vectors/independent/check_vectors.py [vector.json ...]

Prints one line per vector (OK, or the first differing field with both values)
and exits 0 only if every vector agrees, 1 otherwise.

Choices this file makes where the spec is silent are marked "SPEC GAP" below;
they are collected in README.md next to this file.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

# ---------------------------------------------------------------------------
# Constants (each cites the section of docs/draw-proof.md that defines it)
# ---------------------------------------------------------------------------

ALGORITHM = "expert-draw/v1"                       # §5 payload "algorithm", §10
SEED_TAG = b"expert-draw/v1/seed"                  # §6, 19 ASCII bytes
SEED_PLANNED_TAG = b"expert-draw/v1/seed-planned"  # §6.2, 27 ASCII bytes
STREAM_TAG = b"expert-draw/v1/stream"              # §7, 21 ASCII bytes
COMMIT_ENTRY_TYPE = "draw.commit"                  # §5 log entry "type"
LEAF_PREFIX = b"\x00"                              # §5, RFC 9162 §2.1.1 leaf hash prefix
ZERO_PREV = "0" * 64                               # §5 "prev" of the first entry
NONCE_BYTES = 32                                   # §6
BEACON_BYTES = 32                                  # §6
WITNESS_REVEAL_MIN, WITNESS_REVEAL_MAX = 16, 64    # §6
WORD_SPACE = 1 << 32                               # §7 uniform(m), 1 <= m <= 2^32
SECONDS_PER_DAY = 86400                            # §3 rule 6
REGION_DIGITS = {"province": 2, "city": 4, "county": 6}   # §3 step 2, localRegionLevel

# §3 step 3: exclusion codes in table order (the order codes are listed in).
EXCLUSION_CODE_ORDER = [
    "EMPLOYER_IS_TENDERER", "EMPLOYER_IS_AGENCY", "EMPLOYER_IS_BIDDER", "EMPLOYER_IS_AVOIDED",
    "POSITION_AT_PARTY", "RELATIVE_POSITION_AT_PARTY", "PREPARED_PROJECT",
    "SUSPENDED", "BLACKLISTED", "RETIRED", "UNAVAILABLE",
    "FREQUENCY_CAP", "TENDERER_FREQUENCY_CAP",
    "RELATIVE_ON_PANEL", "EMPLOYER_CAP_ON_PANEL",
]
# §8 skip reasons
SKIP_ALREADY_RANKED = "ALREADY_RANKED"
SKIP_RELATIVE = "RELATIVE_ON_PANEL"
SKIP_EMPLOYER_CAP = "EMPLOYER_CAP_ON_PANEL"

# §2 schema defaults, as listed in the two tables of §2.
POLICY_DEFAULTS = {
    "leadTimeMinutes": 60,
    "maxLeadTimeMinutes": 2880,
    "alternatesPerGroup": 2,
    "responseDeadlineMinutes": 15,
    "relationWindowYears": 3,
    "frequency": {"windowDays": 30, "maxDraws": 6, "tendererWindowDays": 365, "maxDrawsSameTenderer": 3},
    "maxPerEmployerPerPanel": 1,
    "minCommitteeSize": 5,
    "oddCommittee": True,
    "minExpertShareNum": 2,
    "minExpertShareDen": 3,
    "localRegionLevel": "city",
}
EXPERT_DEFAULTS = {"suspendedUntil": None, "unavailable": [], "relations": []}
PROJECT_DEFAULTS = {"agency": None, "bidders": [], "avoid": [], "preparedBy": []}
REQUEST_DEFAULTS = {"tendererRepresentatives": 0}

# §2 states the default policy's JCS text and its policyHash literally; the
# self-check in main() compares POLICY_DEFAULTS against both.
DEFAULT_POLICY_JCS = (
    '{"alternatesPerGroup":2,"frequency":{"maxDraws":6,"maxDrawsSameTenderer":3,"tendererWindowDays":365,'
    '"windowDays":30},"leadTimeMinutes":60,"localRegionLevel":"city","maxLeadTimeMinutes":2880,'
    '"maxPerEmployerPerPanel":1,"minCommitteeSize":5,"minExpertShareDen":3,"minExpertShareNum":2,'
    '"oddCommittee":true,"relationWindowYears":3,"responseDeadlineMinutes":15}'
)
DEFAULT_POLICY_HASH = "27b30029ef4753f9efe7411276f2dc908e53fee6eca56efddc05240000ff90a1"


class DrawError(Exception):
    """A draw failure with the code of the spec (§3, §6, §8) and optional group list."""

    def __init__(self, code: str, groups: list | None = None, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.groups = groups
        self.detail = detail              # diagnostics only; never compared with a vector

    def as_expected(self) -> dict:
        err = {"code": self.code}
        if self.groups is not None:
            err["groups"] = self.groups
        return err


# ---------------------------------------------------------------------------
# Conventions: hashing helpers and RFC 8785 JCS
# ---------------------------------------------------------------------------

def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def u32be(n: int) -> bytes:
    return n.to_bytes(4, "big")


def u64be(n: int) -> bytes:
    return n.to_bytes(8, "big")


def utf16_key(s: str) -> bytes:
    """Sort key comparing strings by UTF-16 code units (Conventions; RFC 8785 §3.2.3).

    Big-endian UTF-16 bytes compare lexicographically exactly like the sequence
    of 16-bit code units, so this differs from Python's code-point order only
    for characters above U+FFFF versus U+E000..U+FFFF -- which is the point.
    """
    return s.encode("utf-16-be", "surrogatepass")


def _jcs_string(s: str) -> str:
    """RFC 8785 §3.2.2.2 (= ECMAScript JSON.stringify) string serialisation."""
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            raise ValueError("JCS: lone surrogate in string (not valid Unicode, RFC 8785 §3.2.2.2)")
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\r":
            out.append("\\r")
        elif cp < 0x20:
            out.append("\\u%04x" % cp)     # lower-case hex, as ECMAScript does
        else:
            out.append(ch)                 # everything else literal, incl. non-ASCII
    out.append('"')
    return "".join(out)


def _jcs_value(x) -> str:
    if x is None:
        return "null"
    if x is True:                          # bool before int: bool is an int subclass
        return "true"
    if x is False:
        return "false"
    if isinstance(x, int):
        # RFC 8785 §3.2.2.3 formats numbers as ECMAScript doubles; an integer is
        # printed in plain decimal only while it is exactly representable.
        if abs(x) > (1 << 53) - 1:
            raise ValueError("JCS: integer outside the IEEE-754 exact range")
        return str(x)
    if isinstance(x, float):
        raise ValueError("JCS: non-integer numbers do not occur in this protocol")
    if isinstance(x, str):
        return _jcs_string(x)
    if isinstance(x, (list, tuple)):
        return "[" + ",".join(_jcs_value(v) for v in x) + "]"
    if isinstance(x, dict):
        keys = sorted(x.keys(), key=utf16_key)
        return "{" + ",".join(_jcs_string(k) + ":" + _jcs_value(x[k]) for k in keys) + "}"
    raise TypeError(f"JCS: unsupported type {type(x).__name__}")


def jcs(x) -> bytes:
    """JCS(x): RFC 8785 canonical JSON, UTF-8 encoded (Conventions).

    For the value types of this protocol (strings, integers, booleans, null,
    arrays, objects) RFC 8785 reduces to: no whitespace, object members sorted by
    the UTF-16 code units of their names, integers in plain decimal, strings with
    only '"', '\\' and U+0000..U+001F escaped (the short forms \\b \\t \\n \\f \\r,
    otherwise \\u00xx in lower case).  json.dumps(sort_keys=True,
    separators=(',', ':'), ensure_ascii=False) gives the same bytes except that
    it sorts by code point; writing it out keeps every rule visible.
    """
    return _jcs_value(x).encode("utf-8")


# ---------------------------------------------------------------------------
# §2 Inputs: schema defaults, reference date, relatives
# ---------------------------------------------------------------------------

def _with_defaults(obj: dict, defaults: dict) -> dict:
    out = copy.deepcopy(obj)
    for k, v in defaults.items():
        if k not in out:
            out[k] = copy.deepcopy(v)
    return out


# §2 field formats.  What §2 states is enforced as written; every check the
# spec does not state is marked SPEC GAP and listed in README.md.
ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")                       # §2 expert id
REGION_RE = re.compile(r"[0-9]{6}")                              # §2 "6-digit region"
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")              # §2 YYYY-MM-DD
# §2: date-times "carry an offset (Z or ±hh:mm)".  SPEC GAP: the rest of the
# syntax (seconds optional? fraction digits?) is not stated; this accepts
# YYYY-MM-DDTHH:mm[:ss[.fraction]] followed by Z or ±hh:mm.
DATETIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})")
COMMIT_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")   # §5 `time`
HEX64_RE = re.compile(r"[0-9a-f]{64}")                          # Conventions: hex is lower case
HEX_RE = re.compile(r"(?:[0-9a-f]{2})*")
STATUSES = ("active", "suspended", "blacklisted", "retired")     # §2
ROLES = ("employee", "director", "supervisor", "controlling-shareholder", "adviser")   # §2
HOLDERS = ("self", "relative")                                   # §2
# Unified social credit code (GB 32100-2015): 18 characters from this
# alphabet, the last a weighted check character.  SPEC GAP: §2 says only
# "unified social credit code"; the check character is required by the domain
# brief ("Validate both"), and every one of the codes in the vectors passes it.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _invalid(where: str, why: str):
    raise DrawError("INVALID_INPUT", detail=f"{where}: {why}")


def _obj(x, where: str, required: tuple, optional: tuple = ()) -> dict:
    """§2: every object is strict -- unknown fields are an error, never dropped."""
    if not isinstance(x, dict):
        _invalid(where, "not an object")
    for k in x:
        if k not in required and k not in optional:
            _invalid(where, f"unknown field {k!r}")
    for k in required:
        if k not in x:
            _invalid(where, f"missing field {k!r}")
    return x


def _str(x, where: str, pattern: re.Pattern | None = None, choices: tuple | None = None) -> str:
    if not isinstance(x, str):
        _invalid(where, "not a string")
    if pattern is not None and not pattern.fullmatch(x):
        _invalid(where, f"bad format {x!r}")
    if choices is not None and x not in choices:
        _invalid(where, f"not one of {', '.join(choices)}: {x!r}")
    return x


def _int(obj: dict, key: str, where: str, minimum: int | None = None) -> int:
    """An integer field.  JSON has one number type: an integral float such as 5.0
    is the integer 5 (as JSON.parse reads it) and is normalised in place, so that
    JCS writes it as 5."""
    x = obj[key]
    if isinstance(x, float) and x.is_integer():
        x = obj[key] = int(x)
    if isinstance(x, bool) or not isinstance(x, int):
        _invalid(f"{where}.{key}", "not an integer")
    if minimum is not None and x < minimum:
        _invalid(f"{where}.{key}", f"less than {minimum}")
    return x


def _bool(x, where: str) -> bool:
    if not isinstance(x, bool):
        _invalid(where, "not a boolean")
    return x


def _list(x, where: str) -> list:
    if not isinstance(x, list):
        _invalid(where, "not an array")
    return x


def _uscc(x, where: str) -> str:
    _str(x, where)
    if len(x) != 18 or any(c not in USCC_ALPHABET for c in x):
        _invalid(where, f"not a unified social credit code: {x!r}")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(x, USCC_WEIGHTS))
    if USCC_ALPHABET[(31 - total % 31) % 31] != x[17]:
        _invalid(where, f"bad check character in {x!r}")
    return x


def _date(x, where: str) -> str:
    # SPEC GAP: §2 gives the pattern YYYY-MM-DD only; whether a non-existent
    # calendar date (2026-02-30) is rejected is not stated.  Only the pattern is
    # enforced here; dates are only ever compared as strings (§2).
    return _str(x, where, DATE_RE)


def _datetime(x, where: str) -> str:
    _str(x, where, DATETIME_RE)
    try:
        parse_instant(x)
    except ValueError:
        _invalid(where, f"not a date-time: {x!r}")
    return x


def _validate_expert(e, where: str) -> None:
    _obj(e, where, ("id", "specialties", "region", "employer", "status"),
         ("suspendedUntil", "unavailable", "relations"))
    _str(e["id"], f"{where}.id", ID_RE)
    # SPEC GAP: §2 names "specialty codes" but neither the field name
    # (`specialties`, from the vectors), nor whether the list may be empty, nor
    # the code syntax.  Enforced: a list of non-empty strings.
    for k, code in enumerate(_list(e["specialties"], f"{where}.specialties")):
        if _str(code, f"{where}.specialties[{k}]") == "":
            _invalid(f"{where}.specialties[{k}]", "empty code")
    _str(e["region"], f"{where}.region", REGION_RE)
    _uscc(e["employer"], f"{where}.employer")
    _str(e["status"], f"{where}.status", choices=STATUSES)
    if e.get("suspendedUntil") is not None:
        _date(e["suspendedUntil"], f"{where}.suspendedUntil")
    for k, d in enumerate(_list(e.get("unavailable", []), f"{where}.unavailable")):
        _date(d, f"{where}.unavailable[{k}]")
    for k, r in enumerate(_list(e.get("relations", []), f"{where}.relations")):
        w = f"{where}.relations[{k}]"
        if not isinstance(r, dict) or r.get("kind") not in ("org", "relative"):
            _invalid(w, "kind is neither 'org' nor 'relative'")
        if r["kind"] == "org":
            _obj(r, w, ("kind", "holder", "role", "org", "until"))
            _str(r["holder"], f"{w}.holder", choices=HOLDERS)
            _str(r["role"], f"{w}.role", choices=ROLES)
            _uscc(r["org"], f"{w}.org")
            if r["until"] is not None:
                _date(r["until"], f"{w}.until")
        else:
            _obj(r, w, ("kind", "expertId"))
            _str(r["expertId"], f"{w}.expertId", ID_RE)


def _validate_project(pr, where: str) -> None:
    # SPEC GAP: `id` is not among the project fields of §2 (only §5's
    # `projectId` implies it) and its format is not stated: a non-empty string.
    _obj(pr, where, ("id", "tenderer", "bidOpeningAt", "region"), ("agency", "bidders", "avoid", "preparedBy"))
    if _str(pr["id"], f"{where}.id") == "":
        _invalid(f"{where}.id", "empty")
    _uscc(pr["tenderer"], f"{where}.tenderer")
    if pr.get("agency") is not None:
        _uscc(pr["agency"], f"{where}.agency")
    for key in ("bidders", "avoid"):
        for k, code in enumerate(_list(pr.get(key, []), f"{where}.{key}")):
            _uscc(code, f"{where}.{key}[{k}]")
    for k, x in enumerate(_list(pr.get("preparedBy", []), f"{where}.preparedBy")):
        _str(x, f"{where}.preparedBy[{k}]", ID_RE)
    _datetime(pr["bidOpeningAt"], f"{where}.bidOpeningAt")
    # SPEC GAP: the project's region format is not stated; taken to be the
    # 6-digit region code of the experts, since 异地 compares their prefixes.
    _str(pr["region"], f"{where}.region", REGION_RE)


def _validate_request(rq, where: str) -> None:
    _obj(rq, where, ("groups",), ("tendererRepresentatives",))
    # SPEC GAP: lower bounds of count / alternates / tendererRepresentatives,
    # whether `groups` may be empty, the syntax of a specialty code and of a
    # region prefix are not stated.  Enforced: at least one group, count >= 1,
    # alternates >= 0, tendererRepresentatives >= 0, a non-empty specialty, and
    # region prefixes of 1-6 digits.
    if not _list(rq["groups"], f"{where}.groups"):
        _invalid(f"{where}.groups", "empty")
    if "tendererRepresentatives" in rq:
        _int(rq, "tendererRepresentatives", where, 0)
    for g, grp in enumerate(rq["groups"]):
        w = f"{where}.groups[{g}]"
        _obj(grp, w, ("specialty", "count"), ("alternates", "regions"))
        if _str(grp["specialty"], f"{w}.specialty") == "":
            _invalid(f"{w}.specialty", "empty")
        _int(grp, "count", w, 1)
        if "alternates" in grp:
            _int(grp, "alternates", w, 0)
        if "regions" in grp:
            reg = _obj(grp["regions"], f"{w}.regions", (), ("include", "exclude", "outsideProjectRegion"))
            for key in ("include", "exclude"):
                for k, prefix in enumerate(_list(reg.get(key, []), f"{w}.regions.{key}")):
                    _str(prefix, f"{w}.regions.{key}[{k}]", re.compile(r"[0-9]{1,6}"))
            if "outsideProjectRegion" in reg:
                _bool(reg["outsideProjectRegion"], f"{w}.regions.outsideProjectRegion")


def _validate_policy(po, where: str) -> None:
    # §2: "all integers except the booleans and localRegionLevel".  SPEC GAP:
    # no ranges are stated (e.g. minExpertShareDen = 0, maxPerEmployerPerPanel
    # = 0, negative windows).  Enforced: integers >= 0.
    _obj(po, where, (), tuple(POLICY_DEFAULTS))
    for key, default in POLICY_DEFAULTS.items():
        if key not in po:
            continue
        if key == "frequency":
            fr = _obj(po["frequency"], f"{where}.frequency", (), tuple(default))
            for fk in fr:
                _int(fr, fk, f"{where}.frequency", 0)
        elif key == "localRegionLevel":
            _str(po[key], f"{where}.{key}", choices=tuple(REGION_DIGITS))
        elif isinstance(default, bool):
            _bool(po[key], f"{where}.{key}")
        else:
            _int(po, key, where, 0)


def _validate_history(hist, where: str) -> None:
    for k, h in enumerate(_list(hist, where)):
        w = f"{where}[{k}]"
        _obj(h, w, ("expertId", "at", "tenderer"))
        _str(h["expertId"], f"{w}.expertId", ID_RE)
        _datetime(h["at"], f"{w}.at")
        _uscc(h["tenderer"], f"{w}.tenderer")


def _validate_plan(plan, where: str) -> None:
    # §5 gives the plan's shape; it is not in the §2 table.  SPEC GAP: whether a
    # malformed plan is INVALID_INPUT is not stated; it is treated so here.
    _obj(plan, where, ("beacon", "witnessCommitments"), ("planIndex",))
    if "planIndex" in plan:
        _int(plan, "planIndex", where, 0)
    if plan["beacon"] is not None:
        b = _obj(plan["beacon"], f"{where}.beacon", ("chain", "round"))
        _str(b["chain"], f"{where}.beacon.chain", HEX64_RE)
        _int(b, "round", f"{where}.beacon", 0)
    for k, c in enumerate(_list(plan["witnessCommitments"], f"{where}.witnessCommitments")):
        _str(c, f"{where}.witnessCommitments[{k}]", HEX64_RE)


def _harness(cond: bool, what: str) -> None:
    """A malformed vector file (not a protocol error): crash, which counts as FAIL."""
    if not cond:
        raise ValueError(f"malformed vector input: {what}")


def parse_inputs(inp: dict) -> dict:
    """§2: parse each input by its (strict) schema, then fill exactly the listed defaults.

    Raises DrawError("INVALID_INPUT") for a schema violation (§12: the first
    check).  Defaults are filled after validation and nothing else is added: a
    group's `alternates` and the fields of `regions` stay absent (§2), and the
    hashes of §4 are taken over this parsed form.
    """
    _harness(isinstance(inp, dict), "input is not an object")
    _obj(inp, "input", ("drawId", "poolVersion", "experts", "history", "project", "request", "policy", "entropy"),
         ("extend",))
    inp = copy.deepcopy(inp)
    # SPEC GAP: drawId's format is not stated (a non-empty string here), nor
    # poolVersion's range (an integer >= 0 here).
    if _str(inp["drawId"], "drawId") == "":
        _invalid("drawId", "empty")
    _int(inp, "poolVersion", "input", 0)
    for k, e in enumerate(_list(inp["experts"], "experts")):
        _validate_expert(e, f"experts[{k}]")
    # SPEC GAP: §2 does not say whether two pool entries may share an id (§3
    # step 1's "each once" is about an expert matching through several codes).
    # Rejected here: ids key relatives(), P and every line of §4.
    ids = [e["id"] for e in inp["experts"]]
    if len(set(ids)) != len(ids):
        _invalid("experts", "duplicate expert id")
    _validate_history(inp["history"], "history")
    _validate_project(inp["project"], "project")
    _validate_request(inp["request"], "request")
    _validate_policy(inp["policy"], "policy")

    ent = inp["entropy"]
    _harness(isinstance(ent, dict) and set(ent) - {"follows"} == {"plan", "nonce", "beaconRandomness", "witnessReveals",
                                                                "time", "prev"}, "entropy fields (§12)")
    # §5: a re-draw names the draws it follows; a non-empty list of draw ids, absent on a first draw.
    _harness("follows" not in ent or (isinstance(ent["follows"], list) and len(ent["follows"]) > 0
             and all(isinstance(x, str) and x for x in ent["follows"])), "entropy.follows: draw ids")
    _validate_plan(ent["plan"], "entropy.plan")
    _harness(isinstance(ent["nonce"], str) and HEX_RE.fullmatch(ent["nonce"]) is not None, "entropy.nonce hex")
    _harness(ent["beaconRandomness"] is None or (isinstance(ent["beaconRandomness"], str)
             and HEX_RE.fullmatch(ent["beaconRandomness"]) is not None), "entropy.beaconRandomness hex or null")
    _harness(isinstance(ent["witnessReveals"], list) and all(isinstance(r, str) and HEX_RE.fullmatch(r)
             for r in ent["witnessReveals"]), "entropy.witnessReveals hex")
    _harness(isinstance(ent["time"], str) and COMMIT_TIME_RE.fullmatch(ent["time"]) is not None,
             "entropy.time as YYYY-MM-DDTHH:mm:ss.sssZ (§5)")
    _harness(isinstance(ent["prev"], str) and HEX64_RE.fullmatch(ent["prev"]) is not None, "entropy.prev")
    extend = inp.get("extend", [])
    _harness(isinstance(extend, list) and all(
        isinstance(x, dict) and set(x) == {"group", "count"}
        and isinstance(x["group"], int) and 0 <= x["group"] < len(inp["request"]["groups"])
        and isinstance(x["count"], int) and x["count"] >= 0 for x in extend), "extend (§12)")

    policy = _with_defaults(inp["policy"], POLICY_DEFAULTS)
    policy["frequency"] = _with_defaults(policy["frequency"], POLICY_DEFAULTS["frequency"])
    return {
        "drawId": inp["drawId"],
        "poolVersion": inp["poolVersion"],
        "experts": [_with_defaults(e, EXPERT_DEFAULTS) for e in inp["experts"]],
        "history": inp["history"],
        "project": _with_defaults(inp["project"], PROJECT_DEFAULTS),
        "request": _with_defaults(inp["request"], REQUEST_DEFAULTS),
        "policy": policy,
        "entropy": ent,
        "extend": extend,
    }


def parse_instant(s: str) -> datetime:
    """An ISO 8601 date-time with offset (or Z) as an aware datetime."""
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        raise ValueError(f"date-time without offset: {s!r}")
    return dt


def reference_date(project: dict) -> str:
    """§2: local calendar date of bid opening = first 10 characters of bidOpeningAt."""
    return project["bidOpeningAt"][:10]


def relatives_map(experts: list[dict]) -> dict[str, list[str]]:
    """§2: close relatives are symmetric; relatives(x) is the sorted list of x's
    relatives over the whole pool input (any status, any specialty), without
    duplicates and without x itself.

    SPEC GAP: §2 does not say what happens when a declared `expertId` is not in
    the pool input.  Read literally ("if a declares b, then a is a relative of
    b"), b is a relative of a whether or not b is a pool member, so b appears in
    a's member line (§4).  No vector declares such a relative.
    """
    rel: dict[str, set[str]] = {e["id"]: set() for e in experts}
    for e in experts:
        for r in e["relations"]:
            if r["kind"] == "relative" and r["expertId"] != e["id"]:
                rel.setdefault(e["id"], set()).add(r["expertId"])
                rel.setdefault(r["expertId"], set()).add(e["id"])
    return {x: sorted(s, key=utf16_key) for x, s in rel.items()}


# ---------------------------------------------------------------------------
# §3 Candidates and exclusions per group
# ---------------------------------------------------------------------------

def effective_alternates(group: dict, policy: dict) -> int:
    """§3 step 4: the group's own `alternates`, or the policy's alternatesPerGroup when the group gives none."""
    return group["alternates"] if "alternates" in group else policy["alternatesPerGroup"]


def check_committee_rules(request: dict, policy: dict) -> None:
    """§3 (checked before step 1): POLICY_RULES, with every broken rule listed in words.

    SPEC GAP (harmless for the vectors): the words are not specified, and the
    vectors' error object carries only `code`, so the wording here is our own.
    """
    drawn = sum(g["count"] for g in request["groups"])
    total = drawn + request["tendererRepresentatives"]
    broken = []
    if total < policy["minCommitteeSize"]:
        broken.append(f"committee of {total} is smaller than {policy['minCommitteeSize']}")
    if policy["oddCommittee"] and total % 2 == 0:
        broken.append(f"committee of {total} is not odd")
    if drawn * policy["minExpertShareDen"] < policy["minExpertShareNum"] * total:
        broken.append(f"{drawn} drawn experts are less than "
                      f"{policy['minExpertShareNum']}/{policy['minExpertShareDen']} of {total}")
    for g, grp in enumerate(request["groups"]):
        if "alternates" in grp and grp["alternates"] < policy["alternatesPerGroup"]:
            broken.append(f"group {g} gives {grp['alternates']} alternates, fewer than {policy['alternatesPerGroup']}")
    if broken:
        raise DrawError("POLICY_RULES", detail="; ".join(broken))


def specialty_members(group: dict, experts: list[dict]) -> list[dict]:
    """§3 step 1: the experts holding at least one code that starts with the
    group's specialty, each once, sorted by id.  These are the "members" that §4
    digests (membersDigest, membersCount): before the region filter and the
    exclusions.

    SPEC GAP (wording): §3 step 2 says experts left out by the region filter
    "are simply not members of the group", while §4 defines the group's members
    as "§3 step 1: ... before the region filter".  The vectors follow §4
    (07-regions: membersCount 20 and 6, eligibleCount 4 and 5), so "members"
    here means the step 1 list, and step 2 yields the members *inside the
    region filter*.
    """
    spec = group["specialty"]
    members = [e for e in experts if any(code.startswith(spec) for code in e["specialties"])]
    return sorted(members, key=lambda e: utf16_key(e["id"]))


def inside_region_filter(group: dict, members: list[dict], project: dict, policy: dict) -> list[dict]:
    """§3 step 2 (only when `regions` is given): keep the members the filter lets through, in id order."""
    regions = group.get("regions")
    if regions is None:
        return list(members)
    include = regions.get("include") or []
    exclude = regions.get("exclude") or []
    local_prefix = None
    if regions.get("outsideProjectRegion") is True:
        local_prefix = project["region"][:REGION_DIGITS[policy["localRegionLevel"]]]

    def keep(e: dict) -> bool:
        r = e["region"]
        if include and not any(r.startswith(p) for p in include):
            return False
        if any(r.startswith(p) for p in exclude):
            return False
        if local_prefix is not None and r.startswith(local_prefix):
            return False
        return True

    return [e for e in members if keep(e)]


def exclusion_codes(expert: dict, project: dict, policy: dict, history: list[dict]) -> list[str]:
    """§3 step 3: the recusal codes of one expert (rules 1-6), in table order."""
    codes: set[str] = set()
    ref = reference_date(project)
    employer = expert["employer"]
    parties = {project["tenderer"], *project["bidders"], *project["avoid"]}
    if project["agency"] is not None:
        parties.add(project["agency"])

    # rule 1
    if employer == project["tenderer"]:
        codes.add("EMPLOYER_IS_TENDERER")
    if project["agency"] is not None and employer == project["agency"]:
        codes.add("EMPLOYER_IS_AGENCY")
    if employer in project["bidders"]:
        codes.add("EMPLOYER_IS_BIDDER")
    if employer in project["avoid"]:
        codes.add("EMPLOYER_IS_AVOIDED")

    # rules 2-3: windowStart = reference date with the year reduced, compared as strings
    window_start = "%04d%s" % (int(ref[:4]) - policy["relationWindowYears"], ref[4:])
    for r in expert["relations"]:
        if r.get("kind") != "org" or r.get("org") not in parties:
            continue
        until = r.get("until")
        if until is not None and not until >= window_start:
            continue
        if r.get("holder") == "self":
            codes.add("POSITION_AT_PARTY")
        elif r.get("holder") == "relative":
            codes.add("RELATIVE_POSITION_AT_PARTY")

    # rule 4
    if expert["id"] in project["preparedBy"]:
        codes.add("PREPARED_PROJECT")

    # rule 5
    status = expert["status"]
    if status == "suspended" and (expert["suspendedUntil"] is None or expert["suspendedUntil"] >= ref):
        codes.add("SUSPENDED")
    if status == "blacklisted":
        codes.add("BLACKLISTED")
    if status == "retired":
        codes.add("RETIRED")
    if ref in expert["unavailable"]:
        codes.add("UNAVAILABLE")

    # rule 6: a window starts windowDays * 86400 s before the instant
    # bidOpeningAt and has no upper end (§3 step 3): every entry with at >= start
    # counts, including one after bid opening.
    # SPEC GAP (minor): the precision of instants is not stated.  Python keeps
    # microseconds; an implementation on JavaScript Dates keeps milliseconds, so
    # an `at` with sub-millisecond digits right at the window start could be
    # counted differently.  No vector has fractional seconds in `at`.
    opening = parse_instant(project["bidOpeningAt"])
    freq = policy["frequency"]
    mine = [h for h in history if h["expertId"] == expert["id"]]
    start = opening - timedelta(seconds=freq["windowDays"] * SECONDS_PER_DAY)
    if sum(1 for h in mine if parse_instant(h["at"]) >= start) >= freq["maxDraws"]:
        codes.add("FREQUENCY_CAP")
    t_start = opening - timedelta(seconds=freq["tendererWindowDays"] * SECONDS_PER_DAY)
    if sum(1 for h in mine if h["tenderer"] == project["tenderer"]
           and parse_instant(h["at"]) >= t_start) >= freq["maxDrawsSameTenderer"]:
        codes.add("TENDERER_FREQUENCY_CAP")

    return [c for c in EXCLUSION_CODE_ORDER if c in codes]


def candidates_per_group(d: dict) -> list[dict]:
    """§3 steps 1-4 for every group, in request order; raises the early shortfall.

    Per group: `members` (step 1, what §4 digests), the members inside the
    region filter (step 2), of those the `excluded` ones with their codes and
    the `eligible` rest (step 3), all in id order.
    """
    experts, project, policy = d["experts"], d["project"], d["policy"]
    groups = []
    for g, group in enumerate(d["request"]["groups"]):
        members = specialty_members(group, experts)
        eligible, excluded = [], []
        for e in inside_region_filter(group, members, project, policy):
            codes = exclusion_codes(e, project, policy, d["history"])
            (excluded.append((e, codes)) if codes else eligible.append(e))
        groups.append({
            "index": g, "specialty": group["specialty"], "count": group["count"],
            "alternates": effective_alternates(group, policy),
            "members": members, "eligible": eligible, "excluded": excluded,
        })
    short = [{"group": gr["index"], "specialty": gr["specialty"],
              "required": gr["count"] + gr["alternates"], "available": len(gr["eligible"]),
              "shortfall": gr["count"] + gr["alternates"] - len(gr["eligible"])}
             for gr in groups if len(gr["eligible"]) < gr["count"] + gr["alternates"]]
    if short:
        raise DrawError("INSUFFICIENT_CANDIDATES", short)
    return groups


# ---------------------------------------------------------------------------
# §4 Digests
# ---------------------------------------------------------------------------

def member_line(e: dict, relatives: dict[str, list[str]]) -> bytes:
    """§4: id ‖ 0x09 ‖ employer ‖ 0x09 ‖ region ‖ 0x09 ‖ join(",", relatives(id)) ‖ 0x0A."""
    return (e["id"] + "\t" + e["employer"] + "\t" + e["region"] + "\t"
            + ",".join(relatives[e["id"]]) + "\n").encode("utf-8")


def exclusion_line(e: dict, codes: list[str]) -> bytes:
    """§4: id ‖ 0x09 ‖ join(",", codes) ‖ 0x0A."""
    return (e["id"] + "\t" + ",".join(codes) + "\n").encode("utf-8")


def group_digests(gr: dict, relatives: dict[str, list[str]]) -> dict:
    """§4 / §5: the per-group counts and digests of the commit payload.

    membersDigest: member lines of all step 1 members (before the region filter
    and the exclusions), in id order.  exclusionDigest: exclusion lines of the
    members inside the region filter that rules 1-6 exclude, in id order.
    eligibleCount: members inside the filter minus the excluded ones.
    SPEC GAP (minor): §4 defines membersCount and eligibleCount but not
    excludedCount; taken as the number of exclusion lines, which the vectors
    confirm (04-recusal-rules: 13).
    """
    return {
        "membersCount": len(gr["members"]),
        "membersDigest": sha256_hex(b"".join(member_line(e, relatives) for e in gr["members"])),
        "eligibleCount": len(gr["eligible"]),
        "excludedCount": len(gr["excluded"]),
        "exclusionDigest": sha256_hex(b"".join(exclusion_line(e, c) for e, c in gr["excluded"])),
    }


def request_hash(project: dict, request: dict) -> str:
    """§4: hex SHA-256(JCS({"project": project, "request": request}))."""
    return sha256_hex(jcs({"project": project, "request": request}))


def policy_hash(policy: dict) -> str:
    """§4: hex SHA-256(JCS(policy))."""
    return sha256_hex(jcs(policy))


# ---------------------------------------------------------------------------
# §5 Commit payload, log entry and leaf hash
# ---------------------------------------------------------------------------

def commit_payload(d: dict, groups: list[dict], relatives: dict[str, list[str]]) -> dict:
    nonce = bytes.fromhex(d["entropy"]["nonce"])
    plan = d["entropy"]["plan"]
    return {
        "algorithm": ALGORITHM,
        "drawId": d["drawId"],
        "projectId": d["project"]["id"],
        "requestHash": request_hash(d["project"], d["request"]),
        "policyHash": policy_hash(d["policy"]),
        "poolVersion": d["poolVersion"],
        # §5: groups[].alternates is the effective value of §3 step 4.
        "groups": [dict({"specialty": gr["specialty"], "count": gr["count"], "alternates": gr["alternates"]},
                        **group_digests(gr, relatives)) for gr in groups],
        # §6.2: a planned draw's plan names its draw.planned entry; absent otherwise.
        "entropy": dict({"beacon": plan["beacon"], "witnessCommitments": list(plan["witnessCommitments"])},
                        **({"planIndex": plan["planIndex"]} if "planIndex" in plan else {})),
        "nonceHash": sha256_hex(nonce),
        # §5: a re-draw's commit names the earlier draws it follows; absent otherwise.
        **({"follows": list(d["entropy"]["follows"])} if "follows" in d["entropy"] else {}),
    }


def commit_entry(payload: dict, prev: str, time: str) -> bytes:
    """§5: the log entry as JCS bytes."""
    return jcs({"payload": payload, "prev": prev, "time": time, "type": COMMIT_ENTRY_TYPE})


def leaf_hash(entry_jcs: bytes) -> bytes:
    """§5: SHA-256(0x00 ‖ JCS(entry))."""
    return hashlib.sha256(LEAF_PREFIX + entry_jcs).digest()


# ---------------------------------------------------------------------------
# §6 Seed (with the verifier's checks first)
# ---------------------------------------------------------------------------

def verify_entropy(payload: dict, nonce: bytes, beacon: bytes | None, reveals: list[bytes]) -> None:
    """§6: check, in this order, and refuse to derive a seed otherwise:
    the nonce's hash (NONCE_MISMATCH); beacon randomness present exactly when
    the plan names a beacon, and 32 bytes long (BEACON_MISMATCH); as many
    reveals as commitments, each 16-64 bytes and matching its commitment
    (WITNESS_MISMATCH).

    SPEC GAP (minor): §6 calls the nonce "32-byte" but names only its hash as
    the NONCE_MISMATCH check; a nonce of another length is refused here with
    NONCE_MISMATCH too.  (In the vector format the payload's nonceHash is
    computed from the same input nonce, so a vector can reach NONCE_MISMATCH
    only through the length.)  The beacon randomness itself cannot be checked
    against the round's BLS signature: §6 leaves that to the service, and the
    vectors carry the randomness, not the signature.
    """
    if len(nonce) != NONCE_BYTES or sha256_hex(nonce) != payload["nonceHash"]:
        raise DrawError("NONCE_MISMATCH")
    if (payload["entropy"]["beacon"] is None) != (beacon is None) or (beacon is not None and len(beacon) != BEACON_BYTES):
        raise DrawError("BEACON_MISMATCH")
    commitments = payload["entropy"]["witnessCommitments"]
    if len(reveals) != len(commitments):
        raise DrawError("WITNESS_MISMATCH")
    for reveal, commitment in zip(reveals, commitments):
        if not WITNESS_REVEAL_MIN <= len(reveal) <= WITNESS_REVEAL_MAX or sha256_hex(reveal) != commitment:
            raise DrawError("WITNESS_MISMATCH")


def seed_message(leaf: bytes, beacon: bytes | None, reveals: list[bytes], tag: bytes = SEED_TAG) -> bytes:
    """§6; §6.2: a planned draw passes SEED_PLANNED_TAG and SHA-256(JCS(commit payload)) as `leaf`."""
    msg = tag + leaf
    msg += u32be(0) if beacon is None else u32be(len(beacon)) + beacon
    msg += u32be(len(reveals))
    for r in reveals:
        msg += u32be(len(r)) + r
    return msg


def derive_seed(nonce: bytes, message: bytes) -> bytes:
    """§6: seed = HMAC-SHA256(key = nonce, message)."""
    return hmac.new(nonce, message, hashlib.sha256).digest()


# ---------------------------------------------------------------------------
# §7 Counter stream and uniform integers
# ---------------------------------------------------------------------------

def stream_block(seed: bytes, g: int, j: int) -> bytes:
    """§7: block_j = HMAC-SHA256(seed, "expert-draw/v1/stream" ‖ u32be(g) ‖ u64be(j))."""
    return hmac.new(seed, STREAM_TAG + u32be(g) + u64be(j), hashlib.sha256).digest()


class Stream:
    """§7: the words of block 0, block 1, ... of group g, each block as 8 big-endian u32."""

    def __init__(self, seed: bytes, g: int):
        self.seed, self.g, self.j, self.words = seed, g, 0, []

    def next_word(self) -> int:
        if not self.words:
            block = stream_block(self.seed, self.g, self.j)
            self.j += 1
            self.words = [int.from_bytes(block[k:k + 4], "big") for k in range(0, 32, 4)]
        return self.words.pop(0)

    def uniform(self, m: int) -> int:
        """uniform(m) in [0, m) without modulo bias; always reads at least one word."""
        assert 1 <= m <= WORD_SPACE
        limit = WORD_SPACE - (WORD_SPACE % m)
        while True:
            w = self.next_word()
            if w < limit:
                return w % m


# ---------------------------------------------------------------------------
# §8 Ranking  and  §9 Top-ups
# ---------------------------------------------------------------------------

class Panel:
    """§8: the panel set P shared by all groups, with a per-employer count."""

    def __init__(self, max_per_employer: int):
        self.ids: set[str] = set()
        self.per_employer: dict[str, int] = {}
        self.max_per_employer = max_per_employer

    def add(self, e: dict) -> None:
        self.ids.add(e["id"])
        self.per_employer[e["employer"]] = self.per_employer.get(e["employer"], 0) + 1


class GroupRanker:
    """§8 loop state of one group (stream, sparse A, i); §9 continues it unchanged."""

    def __init__(self, seed: bytes, g: int, eligible: list[dict], relatives: dict[str, list[str]], panel: Panel):
        self.stream = Stream(seed, g)
        self.E = eligible
        self.n = len(eligible)
        self.A: dict[int, int] = {}            # sparse permutation: A[k] defaults to k
        self.i = 0
        self.relatives = relatives
        self.panel = panel
        self.ranked: list[str] = []
        self.skipped: list[dict] = []

    def rank_more(self, k: int) -> list[str]:
        """Run the §8 loop until k more ids are ranked or the candidates run out."""
        got: list[str] = []
        while len(got) < k and self.i < self.n:
            i = self.i
            j = i + self.stream.uniform(self.n - i)
            self.A[i], self.A[j] = self.A.get(j, j), self.A.get(i, i)
            c = self.E[self.A[i]]
            self.i += 1
            if c["id"] in self.panel.ids:
                self.skipped.append({"id": c["id"], "reason": SKIP_ALREADY_RANKED})
            elif any(r in self.panel.ids for r in self.relatives[c["id"]]):
                self.skipped.append({"id": c["id"], "reason": SKIP_RELATIVE})
            elif self.panel.per_employer.get(c["employer"], 0) >= self.panel.max_per_employer:
                self.skipped.append({"id": c["id"], "reason": SKIP_EMPLOYER_CAP})
            else:
                got.append(c["id"])
                self.ranked.append(c["id"])
                self.panel.add(c)
        return got


def rank_all(seed: bytes, groups: list[dict], relatives: dict[str, list[str]], policy: dict) -> list[GroupRanker]:
    """§8: rank every group in order with one shared panel; a short group does
    not stop the loop, and afterwards the draw fails naming every short group."""
    panel = Panel(policy["maxPerEmployerPerPanel"])
    rankers, short = [], []
    for gr in groups:
        rk = GroupRanker(seed, gr["index"], gr["eligible"], relatives, panel)
        need = gr["count"] + gr["alternates"]
        rk.rank_more(need)
        if len(rk.ranked) < need:
            short.append({"group": gr["index"], "specialty": gr["specialty"], "required": need,
                          "available": len(rk.ranked), "shortfall": need - len(rk.ranked)})
        rankers.append(rk)
    if short:
        raise DrawError("INSUFFICIENT_CANDIDATES", short)
    return rankers


# ---------------------------------------------------------------------------
# §10 Result  and  §11 Assurance
# ---------------------------------------------------------------------------

def result(draw_id: str, groups: list[dict], rankers: list[GroupRanker]) -> dict:
    return {
        "algorithm": ALGORITHM,
        "drawId": draw_id,
        "groups": [{"index": gr["index"], "specialty": gr["specialty"],
                    "selected": rk.ranked[:gr["count"]], "alternates": rk.ranked[gr["count"]:],
                    "skipped": list(rk.skipped)}
                   for gr, rk in zip(groups, rankers)],
    }


def assurance(plan: dict) -> str:
    if plan["beacon"] is not None:
        return "beacon"
    if plan["witnessCommitments"]:
        return "witnessed"
    return "operator"


# ---------------------------------------------------------------------------
# The whole draw, in the order the spec prescribes
# ---------------------------------------------------------------------------

def run_draw(inp: dict) -> dict:
    """Return the §12 `expected` object for one vector input (or {"error": ...}).

    Errors in the order of §12: INVALID_INPUT, POLICY_RULES, early shortfall,
    nonce / beacon / witness checks, shortfall during ranking.
    """
    out: dict = {}
    try:
        d = parse_inputs(inp)                                           # §2 strict schemas
        check_committee_rules(d["request"], d["policy"])               # §3 preamble
        relatives = relatives_map(d["experts"])                         # §2
        groups = candidates_per_group(d)                                # §3 (may fail early)
        payload = commit_payload(d, groups, relatives)                  # §4, §5
        entry = commit_entry(payload, d["entropy"]["prev"], d["entropy"]["time"])
        leaf = leaf_hash(entry)

        ent = d["entropy"]
        nonce = bytes.fromhex(ent["nonce"])
        beacon = None if ent["beaconRandomness"] is None else bytes.fromhex(ent["beaconRandomness"])
        reveals = [bytes.fromhex(r) for r in ent["witnessReveals"]]
        verify_entropy(payload, nonce, beacon, reveals)                 # §6 checks first
        planned = "planIndex" in payload["entropy"]
        payload_hash = hashlib.sha256(jcs(payload)).digest() if planned else None
        message = seed_message(payload_hash, beacon, reveals, SEED_PLANNED_TAG) if planned else seed_message(leaf, beacon, reveals)
        seed = derive_seed(nonce, message)

        rankers = rank_all(seed, groups, relatives, d["policy"])        # §8
        res = result(d["drawId"], groups, rankers)                      # §10
        extended = [rankers[x["group"]].rank_more(x["count"]) for x in d["extend"]]   # §9
    except DrawError as err:
        return {"error": err.as_expected()}

    out["requestHash"] = payload["requestHash"]
    out["policyHash"] = payload["policyHash"]
    out["groups"] = [dict(group_digests(gr, relatives),
                          excluded=[{"id": e["id"], "reasons": codes} for e, codes in gr["excluded"]])
                     for gr in groups]
    out["commitEntry"] = entry.decode("utf-8")
    out["commitLeafHash"] = leaf.hex()
    if payload_hash is not None:
        out["commitPayloadHash"] = payload_hash.hex()
    out["seedMessage"] = message.hex()
    out["seed"] = seed.hex()
    out["firstStreamBlocks"] = [stream_block(seed, gr["index"], 0).hex() for gr in groups]
    out["assurance"] = assurance(payload["entropy"])
    out["result"] = res
    out["extended"] = extended
    return out


# ---------------------------------------------------------------------------
# §12 Test vectors: compare every field of `expected`
# ---------------------------------------------------------------------------

_MISSING = object()


def first_difference(expected, actual, path: str = "expected"):
    """Deep comparison of every field of `expected`; returns (path, exp, act) or None.

    Objects: every key of `expected` must be equal in `actual` (extra keys in
    `actual`, such as the §10 result's `index`/`specialty`, are not compared
    because the vectors do not carry them).  Arrays must match element-wise and
    in length.  Scalars must be equal and of the same JSON type.
    """
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return path, expected, actual
        for k in expected:
            diff = first_difference(expected[k], actual.get(k, _MISSING), f"{path}.{k}")
            if diff:
                return diff
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return path, expected, actual
        for k, (e, a) in enumerate(zip(expected, actual)):
            diff = first_difference(e, a, f"{path}[{k}]")
            if diff:
                return diff
        if len(expected) != len(actual):
            return f"{path}.length", len(expected), len(actual)
        return None
    if actual is _MISSING or type(expected) is not type(actual) or expected != actual:
        return path, expected, "<missing>" if actual is _MISSING else actual
    return None


def check_vector(path: Path) -> bool:
    vec = json.loads(path.read_text(encoding="utf-8"))
    name = vec.get("name", path.stem)
    try:
        actual = run_draw(vec["input"])
    except Exception as exc:                      # a crash is a disagreement, not a pass
        print(f"FAIL {name}: exception {type(exc).__name__}: {exc}")
        return False
    expected = vec["expected"]
    if "error" not in expected and "error" in actual:
        print(f"FAIL {name}: expected success, got error {json.dumps(actual['error'])}")
        return False
    diff = first_difference(expected, actual)
    if diff:
        where, exp, act = diff
        if isinstance(exp, str) and isinstance(act, str) and max(len(exp), len(act)) > 80:
            k = next((k for k, (a, b) in enumerate(zip(exp, act)) if a != b), min(len(exp), len(act)))
            where, exp, act = f"{where} (from char {k})", exp[max(0, k - 20):k + 40], act[max(0, k - 20):k + 40]
        print(f"FAIL {name}: {where}: expected {json.dumps(exp, ensure_ascii=False)}, "
              f"got {json.dumps(act, ensure_ascii=False)}")
        return False
    what = f"error {expected['error']['code']}" if "error" in expected else f"seed {actual['seed'][:16]}…"
    print(f"OK   {name} ({what})")
    return True


def self_check() -> bool:
    """§2 states the default policy's JCS text and policyHash literally: check POLICY_DEFAULTS against both."""
    text = jcs(POLICY_DEFAULTS)
    if text.decode("utf-8") != DEFAULT_POLICY_JCS or sha256_hex(text) != DEFAULT_POLICY_HASH:
        print("FAIL self-check: POLICY_DEFAULTS do not give the default policy JCS text / policyHash of §2")
        return False
    return True


def main(argv: list[str]) -> int:
    if not self_check():
        return 1
    vector_dir = Path(__file__).resolve().parent.parent
    paths = [Path(a) for a in argv] or sorted(vector_dir.glob("*.json"))
    if not paths:
        print(f"no vectors found in {vector_dir}")
        return 1
    results = [check_vector(p) for p in paths]
    print(f"{sum(results)}/{len(results)} vectors agree")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
