"""``micrograd-like check``: grade learners' own Value classes, a file at a time.

Each file runs in a process of its own, with a time and a memory limit
(:mod:`micrograd_like.exercises.autograder`). The exit code is 0 only if every file
passes, so GitHub Classroom, Gradescope or a CI job can run it as it is.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from micrograd_like.checks import real
from micrograd_like.cli.common import PROG, CommandError

EPILOG = f"""\
examples:
  {PROG} check alice.py bob.ipynb            # the class named Value, or the only one with backward()
  {PROG} check submissions/                  # every .py and .ipynb file in the folder
  {PROG} check carol.py:MyValue --junit report.xml
  {PROG} check submissions/ --require tanh,exp,backward

A file passes when no worked example fails and backward() passed; ops the class does not
have yet are 'missing', which fails a file only if --require names them. Exit code: 0 if
every file passes, 1 if any fails, 2 for a bad argument."""


NAME = "check"
HELP = "grade learners' Value classes in .py or .ipynb files"
DESCRIPTION = (
    "Run check_value_class on the Value class of each file, each file in its own\n"
    "process with a time and a memory limit, and print a table of the results."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``check``."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE[:NAME]", help="a .py or .ipynb file, or a folder of them"
    )
    parser.add_argument("--junit", metavar="FILE.xml", help="also write the results as JUnit XML")
    parser.add_argument(
        "--time-limit", type=float, default=60.0, metavar="S",
        help="seconds one file may take in all (default: 60)",
    )  # fmt: skip
    parser.add_argument(
        "--memory", type=int, default=2048, metavar="MB",
        help="megabytes of memory one file's process may use (default: 2048)",
    )  # fmt: skip
    parser.add_argument(
        "--timeout", type=float, default=5.0, metavar="S",
        help="seconds one worked example may take (default: 5)",
    )  # fmt: skip
    parser.add_argument(
        "--require", default="", metavar="OPS",
        help="ops that must not be missing, comma-separated, or 'all' (default: none)",
    )  # fmt: skip
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print each file's whole report too"
    )


def run(args: argparse.Namespace) -> int:
    """Grade the files, print the table, write --junit; 0 only if every file passed."""
    from micrograd_like.exercises.autograder import files_of, grade

    for flag, value in (("--time-limit", args.time_limit), ("--timeout", args.timeout)):
        if real(value, flag) <= 0:
            raise CommandError(f"{flag} must be a positive number of seconds, got {value:g}")
    if args.memory < 64:
        raise CommandError(f"--memory must be at least 64 MB, got {args.memory}")
    required = [op.strip() for op in args.require.split(",") if op.strip()]
    junit = Path(args.junit) if args.junit else None
    if junit is not None and not junit.parent.is_dir():
        raise CommandError(f"--junit {args.junit}: the folder {junit.parent} does not exist")
    try:
        files_of(args.files)
        report = grade(args.files, args.time_limit, args.memory, args.timeout, required)
    except ValueError as error:
        raise CommandError(str(error)) from None
    print(report.table())
    if args.verbose:
        for f in report.files:
            print(f"\n{f.label}:")
            for note in f.notes:
                print(f"  {note}")
            print(f.report if f.report is not None else f"  {f.problem}")
    if junit is not None:
        junit.write_text(report.junit(), encoding="utf-8")
        print(f"JUnit XML written to {junit}")
    return 0 if report else 1
