"""The command line: ``python -m kzrights`` (and the ``kzrights`` command).

For now it prints the report's title and its recommendations, grouped by
addressee and wrapped for an 80-column terminal.  ``import kzrights`` never
imports this module.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence

from .errors import KzrightsError

__all__ = ["main"]


def _recommendations(version: str | None) -> str:
    from .records import Addressee
    from .releases import load

    report = load(version)
    lines = [
        report.metadata.title,
        f"{', '.join(report.metadata.authors)}, {report.metadata.publisher}, "
        f"{report.metadata.published:%d %B %Y} (data release {report.version})",
        "",
    ]
    for addressee in Addressee:
        recommendations = report.recommendations_to(addressee)
        lead_in = next(p for p in report.paragraphs if p.id == recommendations[0].lead_in_id)
        lines.extend(textwrap.wrap(lead_in.text, 78))
        for rec in recommendations:
            lines.extend(
                textwrap.wrap(rec.text, 78, initial_indent=f"{rec.number:>3}. ", subsequent_indent="     ")
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = argparse.ArgumentParser(
        prog="kzrights", description="Print the recommendations of “Retreating Rights – Kazakhstan”."
    )
    parser.add_argument(
        "--data-version", metavar="VERSION", help="the data release to use (default: the newest)"
    )
    args = parser.parse_args(argv)
    try:
        print(_recommendations(args.data_version), end="")
    except KzrightsError as exc:
        print(f"kzrights: error: {exc}", file=sys.stderr)
        return 1
    return 0
