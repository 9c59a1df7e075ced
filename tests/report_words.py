"""The report's words as the quotation tests pick stretches by them (tests/test_quotes_*.py).

`stem` is a crude stem, the first five letters or digits of a word, case
aside ("President’s" and "presidential" are "presi"); `RECORDS_WITH_STEM`
counts the records that have a word of each stem. A stretch whose every
word's stem stands in many records is made of the report's commonest
words, which the checker may place where they stand further apart.
"""

from __future__ import annotations

import collections

import kzrights


def stem(word: str) -> str:
    """The first five letters or digits of ``word``, lower-cased."""
    return "".join(ch for ch in word.lower() if ch.isalnum())[:5]


RECORDS_WITH_STEM = collections.Counter(
    each
    for record in kzrights.load().records()
    for each in {stem(word) for word in (getattr(record, "text", "") or "").split()}
)
