"""A Bloom filter of every German and English word form the indexer's dictionary knows (1.3 million
in ~1.8 MB, 0.5 % false positives), shipped in the snapshot: a query word that is a real word is not
"corrected" into a similar word of the index ("starten" is no typo of "started"). Pure Python: the
indexer writes it, the KB function only reads it."""

from __future__ import annotations

import math
from collections.abc import Collection
from hashlib import blake2b
from pathlib import Path

FALSE_POSITIVES = 0.005


def _positions(word: str, size: int, hashes: int) -> list[int]:
    digest = blake2b(word.encode(), digest_size=16).digest()
    first, second = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
    return [(first + n * second) % size for n in range(hashes)]


class WordSet:
    def __init__(self, bits: bytearray | bytes, hashes: int) -> None:
        self._bits = bits
        self._size = len(bits) * 8
        self._hashes = hashes

    @classmethod
    def of(cls, words: Collection[str]) -> WordSet:
        size = max(64, math.ceil(-len(words) * math.log(FALSE_POSITIVES) / math.log(2) ** 2))
        hashes = max(1, round(size / max(1, len(words)) * math.log(2)))
        bits = bytearray((size + 7) // 8)
        size = len(bits) * 8
        for word in words:
            for position in _positions(word, size, hashes):
                bits[position >> 3] |= 1 << (position & 7)
        return cls(bits, hashes)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and all(
            self._bits[p >> 3] & (1 << (p & 7)) for p in _positions(word, self._size, self._hashes)
        )

    def write(self, path: Path) -> None:
        path.write_bytes(bytes([self._hashes]) + bytes(self._bits))

    @classmethod
    def read(cls, path: Path) -> WordSet:
        data = path.read_bytes()
        return cls(data[1:], data[0])
