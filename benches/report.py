"""The memory figures as a table: measured now, against budgets and the baseline.

    python -m benches.report                    # measure and print the table
    python -m benches.report --update-baseline  # also record the figures as this
                                                # interpreter's baseline and rewrite
                                                # README.md's Memory table from them

README's table is generated from the committed baseline, never typed by hand.
"""

from __future__ import annotations

import argparse
import re
import sys

from benches.budgets import (
    FIGURES,
    ROOT,
    figures_of,
    grown,
    interpreter,
    load_baseline,
    measure_all,
    show,
    write_baseline,
)

README = ROOT / "README.md"
BEGIN, END = "<!-- memory-figures: begin (python -m benches.report --update-baseline) -->", "<!-- memory-figures: end -->"


def table(figures: dict[str, float], baseline: dict[str, float] | None = None) -> str:
    """A Markdown table of ``figures``; with ``baseline``, a column comparing with it."""
    header = "| figure | measured | budget | | what it is |"
    rule = "| --- | ---: | ---: | :-: | --- |"
    if baseline is not None:
        header = "| figure | measured | baseline | budget | | what it is |"
        rule = "| --- | ---: | ---: | ---: | :-: | --- |"
    rows = [header, rule]
    for figure in FIGURES:
        value = figures.get(figure.name)
        verdict = ""
        if figure.budget is not None and value is not None:
            verdict = "ok" if value <= figure.budget else "**over**"
        cells = [f"`{figure.name}`", show(value, figure.unit)]
        if baseline is not None:
            recorded = baseline.get(figure.name)
            mark = " (+>10%)" if figure.tracked and recorded and value is not None and grown(value, recorded) else ""
            cells.append(show(recorded, figure.unit) + mark)
        cells += [show(figure.budget, figure.unit) if figure.budget is not None else "", verdict, figure.meaning]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def rewrite_readme(figures: dict[str, float]) -> None:
    """Replace the table between README's markers with ``figures``."""
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no memory table markers ({BEGIN} ... {END})")
    block = f"{BEGIN}\nMeasured on {interpreter()}.\n\n{table(figures)}\n{END}"
    README.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


def main(argv=None) -> int:
    from tests.conftest import SHARED

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update-baseline", action="store_true", help="record the figures and rewrite README.md")
    options = parser.parse_args(argv)
    figures = figures_of(measure_all(SHARED))
    print(table(figures, load_baseline() or {}))
    if options.update_baseline:
        write_baseline(figures)
        rewrite_readme(figures)
        print(f"\nrecorded the baseline for {interpreter()} and rewrote README.md's Memory table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
