#!/usr/bin/env python3
"""Independent check of the "Draw protocol v1" (expert-draw/v1) test vectors.

A from-scratch reimplementation of docs/draw-proof.md written from that document
alone (plus the defaults listed in the task brief), in Python 3 standard library
only.  It reads every test/vectors/NN-*.json (format: spec section 12), runs the
whole protocol on `input` -- schema defaults, candidates and exclusions, digests,
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
import sys
from datetime import datetime, timedelta
from pathlib import Path

# ---------------------------------------------------------------------------
# Constants (each cites the section of docs/draw-proof.md that defines it)
# ---------------------------------------------------------------------------

ALGORITHM = "expert-draw/v1"                       # §5 payload "algorithm", §10
SEED_TAG = b"expert-draw/v1/seed"                  # §6, 19 ASCII bytes
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

# §2 schema defaults.  SPEC GAP: the spec only says "defaults listed in
# src/domain/policy.ts" / "agency: null, bidders: [], ..."; these values come
# from the task brief, not from the spec.
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


class DrawError(Exception):
    """A draw failure with the code of the spec (§3, §6, §8) and optional group list."""

    def __init__(self, code: str, groups: list | None = None):
        super().__init__(code)
        self.code = code
        self.groups = groups

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


def parse_inputs(inp: dict) -> dict:
    """§2: parse each input by its schema, filling defaults.

    Observed from the vectors (SPEC GAP, not stated in §2): a group's optional
    `alternates` and the sub-fields of `regions` (`include`, `exclude`,
    `outsideProjectRegion`) are NOT filled in -- the parsed request keeps them
    absent, and requestHash is taken over that form.
    """
    policy = _with_defaults(inp.get("policy", {}), POLICY_DEFAULTS)
    policy["frequency"] = _with_defaults(policy["frequency"], POLICY_DEFAULTS["frequency"])
    return {
        "drawId": inp["drawId"],
        "poolVersion": inp["poolVersion"],
        "experts": [_with_defaults(e, EXPERT_DEFAULTS) for e in inp["experts"]],
        "history": copy.deepcopy(inp.get("history", [])),
        "project": _with_defaults(inp["project"], PROJECT_DEFAULTS),
        "request": _with_defaults(inp["request"], REQUEST_DEFAULTS),
        "policy": policy,
        "entropy": inp["entropy"],
        "extend": inp.get("extend", []),
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
    """§2: close relatives are symmetric; relatives(x) = sorted relatives of x in the pool."""
    pool_ids = {e["id"] for e in experts}
    rel: dict[str, set[str]] = {e["id"]: set() for e in experts}
    for e in experts:
        for r in e["relations"]:
            if r.get("kind") == "relative":
                other = r["expertId"]
                if other in pool_ids and other != e["id"]:
                    rel[e["id"]].add(other)
                    rel[other].add(e["id"])
    return {x: sorted(s, key=utf16_key) for x, s in rel.items()}


# ---------------------------------------------------------------------------
# §3 Candidates and exclusions per group
# ---------------------------------------------------------------------------

def effective_alternates(group: dict, policy: dict) -> int:
    """§3 step 4: the larger of the group's `alternates` and the policy's alternatesPerGroup."""
    return max(group.get("alternates", 0), policy["alternatesPerGroup"])


def check_committee_rules(request: dict, policy: dict) -> None:
    """§3 (checked before step 1): POLICY_RULES."""
    drawn = sum(g["count"] for g in request["groups"])
    total = drawn + request["tendererRepresentatives"]
    ok = total >= policy["minCommitteeSize"]
    ok = ok and (not policy["oddCommittee"] or total % 2 == 1)
    ok = ok and drawn * policy["minExpertShareDen"] >= policy["minExpertShareNum"] * total
    ok = ok and all(g.get("alternates", policy["alternatesPerGroup"]) >= policy["alternatesPerGroup"]
                    for g in request["groups"])
    if not ok:
        raise DrawError("POLICY_RULES")


def group_members(group: dict, experts: list[dict], project: dict, policy: dict) -> list[dict]:
    """§3 steps 1-2: specialty prefix match, then the optional region filter; sorted by id."""
    spec = group["specialty"]
    members = [e for e in experts if any(code.startswith(spec) for code in e["specialties"])]
    regions = group.get("regions")
    if regions is not None:
        include = regions.get("include") or []
        exclude = regions.get("exclude") or []
        local_prefix = None
        if regions.get("outsideProjectRegion"):
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

        members = [e for e in members if keep(e)]
    return sorted(members, key=lambda e: utf16_key(e["id"]))


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

    # rule 6: windows end at the instant bidOpeningAt.
    # SPEC GAP: whether an entry exactly at, or after, bidOpeningAt counts is not
    # stated; this implementation counts start <= at <= bidOpeningAt.
    opening = parse_instant(project["bidOpeningAt"])
    freq = policy["frequency"]
    mine = [parse_instant(h["at"]) for h in history if h["expertId"] == expert["id"]]
    start = opening - timedelta(seconds=freq["windowDays"] * SECONDS_PER_DAY)
    if sum(1 for at in mine if start <= at <= opening) >= freq["maxDraws"]:
        codes.add("FREQUENCY_CAP")
    t_start = opening - timedelta(seconds=freq["tendererWindowDays"] * SECONDS_PER_DAY)
    same_tenderer = [parse_instant(h["at"]) for h in history
                     if h["expertId"] == expert["id"] and h["tenderer"] == project["tenderer"]]
    if sum(1 for at in same_tenderer if t_start <= at <= opening) >= freq["maxDrawsSameTenderer"]:
        codes.add("TENDERER_FREQUENCY_CAP")

    return [c for c in EXCLUSION_CODE_ORDER if c in codes]


def candidates_per_group(d: dict) -> list[dict]:
    """§3 steps 1-4 for every group, in request order; raises the early shortfall."""
    experts, project, policy = d["experts"], d["project"], d["policy"]
    groups = []
    for g, group in enumerate(d["request"]["groups"]):
        eligible, excluded = [], []
        for e in group_members(group, experts, project, policy):
            codes = exclusion_codes(e, project, policy, d["history"])
            (excluded.append((e, codes)) if codes else eligible.append(e))
        groups.append({
            "index": g, "specialty": group["specialty"], "count": group["count"],
            "alternates": effective_alternates(group, policy),
            "eligible": eligible, "excluded": excluded,
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

def candidate_line(e: dict, relatives: dict[str, list[str]]) -> bytes:
    return (e["id"] + "\t" + e["employer"] + "\t" + ",".join(relatives[e["id"]]) + "\n").encode("utf-8")


def exclusion_line(e: dict, codes: list[str]) -> bytes:
    return (e["id"] + "\t" + ",".join(codes) + "\n").encode("utf-8")


def group_digests(gr: dict, relatives: dict[str, list[str]]) -> dict:
    """§4: eligibleDigest / exclusionDigest over the lines in id order."""
    return {
        "eligibleCount": len(gr["eligible"]),
        "eligibleDigest": sha256_hex(b"".join(candidate_line(e, relatives) for e in gr["eligible"])),
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
        # SPEC GAP: §5 shows "alternates" per group but does not say it is the
        # effective value (max of group and policy); the vectors imply it is.
        "groups": [dict({"specialty": gr["specialty"], "count": gr["count"], "alternates": gr["alternates"]},
                        **group_digests(gr, relatives)) for gr in groups],
        "entropy": {"beacon": plan["beacon"], "witnessCommitments": list(plan["witnessCommitments"])},
        "nonceHash": sha256_hex(nonce),
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
    """§6: refuse to derive a seed unless every commitment matches."""
    if len(nonce) != NONCE_BYTES or sha256_hex(nonce) != payload["nonceHash"]:
        raise DrawError("NONCE_MISMATCH")
    commitments = payload["entropy"]["witnessCommitments"]
    # SPEC GAP: no error code is defined for a wrong number of reveals or a
    # reveal outside 16..64 bytes; WITNESS_MISMATCH is used for both.
    if len(reveals) != len(commitments):
        raise DrawError("WITNESS_MISMATCH")
    for reveal, commitment in zip(reveals, commitments):
        if not WITNESS_REVEAL_MIN <= len(reveal) <= WITNESS_REVEAL_MAX or sha256_hex(reveal) != commitment:
            raise DrawError("WITNESS_MISMATCH")
    # SPEC GAP: no error code for a beacon plan without randomness (or the
    # reverse) or of the wrong length; BEACON_MISMATCH is this file's invention.
    # The randomness itself cannot be checked against the round's signature:
    # the vectors carry the randomness, not the signature.
    if (payload["entropy"]["beacon"] is None) != (beacon is None) or (beacon is not None and len(beacon) != BEACON_BYTES):
        raise DrawError("BEACON_MISMATCH")


def seed_message(leaf: bytes, beacon: bytes | None, reveals: list[bytes]) -> bytes:
    msg = SEED_TAG + leaf
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
    """§8: rank every group in order with one shared panel; fail naming every short group.

    SPEC GAP (minor): the spec does not say explicitly that ranking continues
    through later groups after one comes up short; "naming every short group"
    implies it, and this implementation does so.
    """
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
    """Return the §12 `expected` object for one vector input (or {"error": ...})."""
    d = parse_inputs(inp)
    out: dict = {}
    try:
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
        message = seed_message(leaf, beacon, reveals)
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


def main(argv: list[str]) -> int:
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
