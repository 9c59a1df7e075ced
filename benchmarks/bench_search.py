"""Search quality and latency of Report.search, side by side with SQLite FTS5, in one run.

Usage (from the repository root)::

    python benchmarks/bench_search.py [--repeat 20]

Both engines index the same documents: the text records of the newest data
release and its entities (name, aliases, description), with footnotes'
web addresses left out.  FTS5 uses the porter tokenizer over unicode61 with
diacritics removed, ranks with bm25() and builds snippets with snippet();
a query's words are joined with OR (so that FTS5 ranks rather than filters,
as kzrights does) and its quoted phrases are kept as phrases.  The queries
and the records that answer them are in tests/search_queries.toml.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import kzrights
from kzrights.search.index import _doc_text

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

QUERIES = Path(__file__).resolve().parent.parent / "tests" / "search_queries.toml"


def fts5_index(report: kzrights.Report) -> sqlite3.Connection:
    """An in-memory FTS5 table of the same documents."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "create virtual table docs using fts5("
        "id unindexed, body, tokenize='porter unicode61 remove_diacritics 2')"
    )
    docs = [*report.records(), *report.entities]
    db.executemany("insert into docs(id, body) values (?, ?)", [(d.id, _doc_text(d)) for d in docs])
    return db


def fts5_query(query: str) -> str:
    """The FTS5 expression for a user's query: phrases kept, words joined with OR."""
    phrases = re.findall(r'"([^"]+)"', query)
    words = re.findall(r"\w+", re.sub(r'"[^"]*"', " ", query).lower())
    parts = ['"' + p.replace('"', "") + '"' for p in phrases]
    if words:
        parts.append("(" + " OR ".join(f'"{w}"' for w in words) + ")")
    return " AND ".join(parts)


def fts5_search(db: sqlite3.Connection, query: str) -> list[str]:
    """The top 10 ids, with snippets made as kzrights makes them (so the work compared is the same)."""
    rows = db.execute(
        "select id, snippet(docs, 1, '[', ']', '…', 24) from docs"
        " where docs match ? order by bm25(docs) limit 10",
        (fts5_query(query),),
    ).fetchall()
    return [row[0] for row in rows]


def reciprocal_rank(ids: list[str], relevant: set[str]) -> float:
    return next((1 / rank for rank, i in enumerate(ids[:10], start=1) if i in relevant), 0.0)


def main() -> None:
    """Print the comparison as Markdown."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20, help="runs of the query set; the median is kept")
    args = parser.parse_args()
    report = kzrights.load()
    queries = tomllib.loads(QUERIES.read_text(encoding="utf-8"))["query"]
    db = fts5_index(report)
    report.search("warm up")  # build kzrights' index, as FTS5's was built above

    ours = statistics.mean(
        reciprocal_rank([h.record.id for h in report.search(q["q"])], set(q["relevant"])) for q in queries
    )
    theirs = statistics.mean(reciprocal_rank(fts5_search(db, q["q"]), set(q["relevant"])) for q in queries)

    def timed(run) -> float:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for q in queries:
                run(q["q"])
            times.append((time.perf_counter() - start) / len(queries))
        return statistics.median(times)

    our_latency = timed(lambda q: report.search(q))
    their_latency = timed(lambda q: fts5_search(db, q))
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}; {len(queries)} queries; "
        f"median of {args.repeat} runs of the set.\n"
    )
    print("| engine | MRR@10 | mean latency per query (top 10 with snippets) |")
    print("| --- | --- | --- |")
    print(f"| `Report.search` | {ours:.3f} | {our_latency * 1e6:.0f} µs |")
    print(f"| SQLite FTS5 (porter, bm25, snippet) | {theirs:.3f} | {their_latency * 1e6:.0f} µs |")
    print(
        f"\nkzrights' latency is {our_latency / their_latency:.2f}x FTS5's (target: at most 0.7x); "
        f"MRR@10 {ours:.3f} against {theirs:.3f} (target: at least 0.95, and better than FTS5)."
    )


if __name__ == "__main__":
    main()
