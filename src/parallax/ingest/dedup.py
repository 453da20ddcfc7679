"""Near-duplicate detection: the same wire story republished by several outlets.

Each article gets a MinHash signature over word 5-gram shingles (datasketch). Signatures are
split into bands; band hashes go in the store, so candidate lookups are an indexed query that
survives restarts and scales with the store, not with memory. Candidates are confirmed by the
estimated Jaccard similarity of their signatures.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from parallax.model import identity_text

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
SEED = 17
#: Estimated Jaccard similarity of 5-gram shingles above which a text is a syndicated copy.
#: Wire copies with a changed lead, a dropped paragraph or an editor's note stay well above it;
#: two outlets' own reports of one event share almost no 5-grams and stay far below.
THRESHOLD = 0.6
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: np.ndarray
    band_keys: list[int]

    def to_bytes(self) -> bytes:
        return self.signature.astype("<u8").tobytes()


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(identity_text(text))
    if len(words) < SHINGLE:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}


@cache
def _template() -> tuple[object, str]:
    """The hash permutations and scheme, drawn once: drawing them per article costs more than
    hashing it."""
    from datasketch import MinHash

    template = MinHash(num_perm=NUM_PERM, seed=SEED)
    return template.permutations, str(template.scheme)


def fingerprint(text: str) -> Fingerprint:
    from datasketch import MinHash

    permutations, scheme = _template()
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=permutations, scheme=scheme)
    minhash.update_batch(list(shingles(text)))
    signature = np.asarray(minhash.hashvalues, dtype=np.uint64)
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))  # SQLite integers are signed
    return Fingerprint(signature, keys)


def similarity(signature: np.ndarray, stored: bytes) -> float:
    other = np.frombuffer(stored, dtype="<u8")
    return float(np.mean(signature == other))


def shared_boilerplate_only(text: str, other: str) -> bool:
    """Whether two texts that look alike share only a paragraph or two at their start or end (a
    subscription footer, a standard header) around bodies that differ: then the one is no copy
    of the other. A copy, even with its lead rewritten, shares its body's paragraphs."""
    first, second = _paragraphs(text), _paragraphs(other)
    shared = 0
    while first and second and first[0] == second[0]:
        first, second, shared = first[1:], second[1:], shared + 1
    while first and second and first[-1] == second[-1]:
        first, second, shared = first[:-1], second[:-1], shared + 1
    if not shared or shared > 2 or not first or not second:
        return False
    a, b = shingles(" ".join(first)), shingles(" ".join(second))
    return bool(a | b) and len(a & b) / len(a | b) < THRESHOLD / 2


def _paragraphs(text: str) -> list[str]:
    return [identity_text(p) for p in re.split(r"\n\s*\n", text) if p.strip()]
