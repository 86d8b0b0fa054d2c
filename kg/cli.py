"""The ``kg`` command line: a thin layer, one library call per command.

Exit codes (kg/errors.py): 0 success; 1 an unexpected error (a bug; ``--debug``
shows the traceback) or, for ``kg validate``, SHACL violations; 2 bad input, query
or option, with a one-line ``kg: error: ...`` on stderr; 3 a partial build (some
cases failed, see ``build-report.json``).

Heavy libraries (rdflib, pyoxigraph, matplotlib, pyshacl) are imported inside the
commands so that ``kg --help`` starts at once.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from kg.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, KGError, QueryError
from kg.namespaces import CASE

log = logging.getLogger(__name__)

OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "markdown")  # = kg.query.OUTPUT_FORMATS
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

MAIN_EPILOG = """\b
Examples:
  kg build seeds -o outputs/graph.ttl
  kg queries
  kg query cq1 --graph outputs/graph.ttl
  kg query cq2 --graph outputs/graph.ttl --format csv -o cq2.csv
  kg draw seed-kyphoplasty --graph outputs/graph.ttl -o seed.png
  kg validate outputs/graph.ttl
  kg spine seed-kyphoplasty --graph outputs/graph.ttl -o spine.png
  kg report outputs/graph.ttl -o outputs/report
  kg explore outputs/graph.ttl -o outputs/explorer.html

\b
Exit codes: 0 ok; 1 unexpected error (or SHACL violations for validate);
2 bad input, query or option; 3 partial build (see build-report.json).
"""


class KGGroup(click.Group):
    """A click group that turns :class:`KGError` into ``kg: error: ...`` and its exit code."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """Parse ``kg``'s own options; a bad one is one ``kg: error:`` line, exit 2."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _terminate_as_interrupt():
                return super().invoke(ctx)
        except click.UsageError as exc:
            _usage_error(exc)
        except KeyboardInterrupt:  # a command without its own clean-up message
            click.echo("kg: interrupted", err=True)
            ctx.exit(_interrupt_exit_code())
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KGError as exc:
            _report(ctx, f"kg: error: {exc}")
            ctx.exit(exc.exit_code)
        except OSError as exc:  # the system refused (disk full, I/O error): name the file
            where = f"{exc.filename}: " if exc.filename else ""
            _report(ctx, f"kg: error: {where}{exc.strerror or exc}")
            ctx.exit(EXIT_FAILED)
        except Exception as exc:  # noqa: BLE001 - a bug: say so in one line
            _report(ctx, f"kg: error: unexpected {type(exc).__name__}: {exc}"
                         + ("" if _debug(ctx) else " (run with --debug for the traceback)"))
            ctx.exit(EXIT_FAILED)


_STOPPED_BY: list[int] = []  # the signal that interrupted this run, if SIGTERM


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while a command runs: it raises KeyboardInterrupt, so
    temporary files are removed and the previous output kept (the default action kills
    the process mid-write, leaving ``.NAME.*.tmp`` behind). Forked workers get the
    default action back (:func:`_default_sigterm_in_children`), so a pool still stops
    them with SIGTERM."""
    main_pid = os.getpid()

    def stop(signum: int, _frame: Any) -> None:
        if os.getpid() != main_pid:  # a child that kept the handler: die the default way
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        _STOPPED_BY.append(signum)
        raise KeyboardInterrupt

    stop.kg_interrupt = True  # type: ignore[attr-defined]
    _default_sigterm_in_children()

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding application): leave it
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_AT_FORK: list[bool] = []


def _default_sigterm_in_children() -> None:
    """A forked child (a worker process) gets the default SIGTERM action back at once: a
    Python handler only runs between bytecodes, so a worker blocked in C code would not
    die when its pool terminates it."""
    if _AT_FORK or not hasattr(os, "register_at_fork"):
        return

    def reset() -> None:
        if getattr(signal.getsignal(signal.SIGTERM), "kg_interrupt", False):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

    os.register_at_fork(after_in_child=reset)
    _AT_FORK.append(True)


def _interrupt_exit_code() -> int:
    """128 + the signal: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + (_STOPPED_BY[-1] if _STOPPED_BY else signal.SIGINT)


def _usage_error(exc: click.UsageError) -> NoReturn:
    """A bad option, argument or command as one line naming the help to read, exit 2
    (click's own form is three lines). ``kg`` alone still prints the help."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        raise exc
    where = exc.ctx.command_path if exc.ctx is not None else "kg"
    message = " ".join(exc.format_message().split()).rstrip(".")
    click.secho(f"kg: error: {message} (see '{where} --help')", err=True, fg="red")
    raise click.exceptions.Exit(exc.exit_code)


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug"))


def _report(ctx: click.Context, line: str) -> None:
    if _debug(ctx):
        traceback.print_exc()
    # red on a terminal; click drops the colour codes when stderr is a file or a pipe
    click.secho(" ".join(line.split("\n")), err=True, fg="red")


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[
        min(verbose, 2)]
    logging.basicConfig(level=level, format="kg: %(levelname)s: %(message)s", stream=sys.stderr,
                        force=True)


@click.group(cls=KGGroup, context_settings=CONTEXT, epilog=MAIN_EPILOG)
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors; no summary lines.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, _p, v: _version(ctx) if v else None,
              help="Show the version (compiled or pure extraction) and exit.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, debug: bool) -> None:
    """CaseKG: clinical and radiology case reports to an RDF knowledge graph."""
    ctx.obj = {"debug": debug, "quiet": quiet}
    _setup_logging(verbose, quiet)


def _version(ctx: click.Context) -> None:
    """``kg --version``: the package version, then whether the extraction modules run
    compiled (``make compile``) or as pure Python."""
    if ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    from kg import __version__
    from kg._compile import compiled_note

    try:
        found = version("casekg")
    except PackageNotFoundError:  # run from a source tree that is not installed
        found = __version__
    click.echo(f"kg, version {found}\n{compiled_note()}")
    ctx.exit()


def _say(ctx: click.Context, line: str) -> None:
    if not (ctx.obj or {}).get("quiet"):
        click.echo(line)


# ---------------------------------------------------------------- build


@cli.command(epilog="""\b
Examples:
  kg build seeds -o outputs/graph.ttl
  kg build case.txt cases.jsonl more/ -o graph.nt
  kg build cases/ -o graph.nq --workers 2
  kg build cases/ --store outputs/store --workers 2
  kg build cases/ --store http://127.0.0.1:7878
  kg build cases/ --store outputs/store --engine dask --scheduler tcp://host:8786
  kg build seeds -o graph.jsonld --base https://example.org/case/
  kg build cases/ -o graph.ttl --ontology my-terms.obo
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file; format from the suffix: .ttl .nt .nq .trig .jsonld .rdf "
                   "(.nq/.trig keep one named graph per case).")
@click.option("--store", metavar="DIR|URL",
              help="Also (or instead) build into a persistent store directory or a SPARQL "
                   "endpoint; unchanged cases are skipped, changed ones replaced.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Extraction processes (or local Dask workers).")
@click.option("--engine", type=click.Choice(("local", "dask")), default="local",
              show_default=True, help="Where extraction runs.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler (tcp://host:8786) for --engine dask; default a local cluster.")
@click.option("--batch-size", default=0, type=click.IntRange(0, 100_000),
              help="Cases per batch (store transaction); 0 chooses.")
@click.option("--quiet", "no_progress", is_flag=True, help="No progress bar and no summary.")
@click.option("--base", default=CASE, show_default=True, help="Base IRI for case instances.")
@click.option("--ontology", "ontologies", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Add your own ontology (OWL/RDF-XML, Turtle, OBO); repeatable.")
@click.pass_context
def build(ctx: click.Context, paths: tuple[Path, ...], output: Path | None, store: str | None,
          workers: int, engine: str, scheduler: str | None, batch_size: int, no_progress: bool,
          base: str, ontologies: tuple[Path, ...]) -> None:
    """Read case texts (files or directories), extract, and write the graph.

    Reads .txt/.text/.md (seed format, 'Field: value' or plain) and .jsonl, streaming
    (bounded memory). Prints one summary line; writes build-report.json next to the
    output (or the store). A progress bar shows on a terminal.
    """
    from kg.pipeline import BuildOptions, Pipeline, run_build

    if output is None and store is None:
        raise KGError("nothing to write", hint="give -o FILE and/or --store DIR|URL")
    if scheduler and engine != "dask":
        raise KGError("--scheduler needs --engine dask")
    _check_base(base)
    for path in ontologies:
        if not path.is_file():
            raise KGError(f"{path}: no such ontology file")
    _refuse_overwrite(output, ontologies)
    quiet = no_progress or bool((ctx.obj or {}).get("quiet"))
    options = BuildOptions(base=base, workers=workers, engine=engine, scheduler=scheduler,
                           batch_size=batch_size, progress=not quiet, extra=tuple(ontologies))
    pipeline = Pipeline.load(ontologies) if ontologies and engine == "local" else None
    try:
        report = run_build(paths, output=output, store=store, pipeline=pipeline,
                           options=options)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; the previous output is unchanged"
                   + (" and finished batches are stored: run again to resume" if store else ""),
                   err=True)
        ctx.exit(_interrupt_exit_code())
    if not quiet:
        click.echo(report.summary())
    ctx.exit(report.exit_code)


# ---------------------------------------------------------------- query


@cli.command("query", epilog="""\b
Examples:
  kg query cq1 --graph outputs/graph.ttl
  kg query intrathecal-leak-procedures -g outputs/graph.ttl --format json
  kg query my.rq -g outputs/graph.ttl --format csv -o answers.csv
  kg query 'SELECT ?c WHERE { ?c a kg:Case }' -g outputs/graph.ttl
  kg query cq4 -g outputs/graph.ttl --bind caseId=seed-kyphoplasty
  kg query cq1 --store outputs/store
  kg query cq1 --store http://127.0.0.1:7878
  kg query cq2 -g outputs/graph.ttl --timeout 30
  kg query 'INSERT DATA { <x> a kg:Case }' -g my-graph.ttl --allow-update
""")
@click.argument("query")
@click.option("-g", "--graph", type=click.Path(dir_okay=False, path_type=Path),
              help="The graph file (.ttl, .nt, .nq, .trig, .jsonld, .rdf).")
@click.option("--store", metavar="DIR|URL",
              help="Query a store built by `kg build --store` (a directory or an endpoint).")
@click.option("-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the answer to this file instead of stdout.")
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE",
              help="Bind a projected variable (IRIs as kg:X or http..., else a string).")
@click.option("--no-ontology", is_flag=True, help="Do not load the shipped ontology.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Stop the query after this many seconds (exit 2).")
@click.option("--allow-update", is_flag=True,
              help="Run a SPARQL UPDATE: it rewrites the --graph file (refused otherwise).")
@click.pass_context
def query_cmd(ctx: click.Context, query: str, graph: Path | None, store: str | None, fmt: str,
              output: Path | None, binds: tuple[str, ...], no_ontology: bool,
              timeout: float | None = None, allow_update: bool = False) -> None:
    """Run a competency question (cq1..cq7 or its alias), a .rq file, or inline SPARQL.

    Read-only: an UPDATE is refused unless --allow-update is given.
    """
    from kg.rdfio import atomic_write
    from kg.sparql import format_result, is_update, run_query, run_update

    if allow_update and is_update(query):
        if graph is None:
            raise KGError("--allow-update changes a --graph file, not a store")
        before, after = run_update(query, graph)
        _say(ctx, f"{graph}: {before} -> {after} triples")
        return

    if (graph is None) == (store is None):
        raise KGError("give one of --graph FILE or --store DIR|URL")
    _refuse_overwrite(output, (graph, _query_file(query)))
    target: Any = graph
    if store is not None:
        from kg.store import open_store

        target = open_store(store, read_only=True)
    result = run_query(query, target, bindings=_bindings(binds), with_ontology=not no_ontology,
                       timeout=timeout)
    text = format_result(result, fmt)
    if output:
        atomic_write(output, text)
        log.info("wrote %d rows to %s", len(result), output)
    else:
        click.echo(text, nl=False)


def _query_file(query: str) -> Path | None:
    """The .rq file ``query`` names, if it is one (not a query name or inline text)."""
    try:
        return Path(query) if Path(query).is_file() else None
    except (OSError, ValueError):
        return None


def _refuse_overwrite(output: Path | None, inputs: Any) -> None:
    """A KGError when ``output`` is one of ``inputs`` (the same path, or the same file
    through a link): writing the answer there would destroy what was read."""
    if output is None:
        return
    for path in inputs:
        if path is None:
            continue
        try:
            same = (output.resolve() == path.resolve()
                    or (output.exists() and path.exists() and output.samefile(path)))
        except (OSError, ValueError):  # an unreadable or impossible path: not the same file
            same = False
        if same:
            raise KGError(f"{output}: the output is also an input; it would be overwritten",
                          hint="write to another file")


def _bindings(binds: tuple[str, ...]) -> dict[str, Any]:
    """``VAR=VALUE`` options as a dict (integers as int)."""
    out: dict[str, Any] = {}
    for item in binds:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise QueryError(f"bad --bind {item!r}", hint="use VAR=VALUE")
        out[name] = int(value) if value.strip().lstrip("-").isdigit() else value
    return out


@cli.command("queries", epilog="\b\nExample:\n  kg queries")
def queries_cmd() -> None:
    """List the named competency questions: name, alias, description."""
    from kg.sparql import named_queries

    rows = [(q.name, q.alias, q.description) for q in named_queries()]
    widths = [max(len(r[i]) for r in rows) for i in range(2)] if rows else [0, 0]
    for name, alias, desc in rows:
        click.echo(f"{name.ljust(widths[0])}  {alias.ljust(widths[1])}  {desc}")


@cli.command(epilog="""\b
Examples:
  kg gaps seeds
  kg gaps ../shared/cases/texto --top 100
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--top", default=40, show_default=True, type=click.IntRange(min=1),
              help="How many phrases to list.")
@click.option("--max-words", default=4, show_default=True, type=click.IntRange(min=1),
              help="Longest phrase counted.")
def gaps(paths: tuple[Path, ...], top: int, max_words: int) -> None:
    """List the phrases of a corpus that no ontology concept covers, most frequent first."""
    from kg.gaps import find_gaps, format_gaps
    from kg.lexicon import Lexicon
    from kg.ontology import load_ontology
    from kg.readers import read_paths

    lexicon = Lexicon.from_ontology(load_ontology())
    click.echo(format_gaps(find_gaps(read_paths(paths), lexicon, max_words=max_words), top=top))


@cli.command("eval", epilog="""\b
Examples:
  kg eval --gold tests/gold/dev.jsonl ../shared/cases/medpix2.jsonl
  kg eval --gold tests/gold/dev.jsonl --graph outputs/graph.ttl --json
""")
@click.argument("cases", nargs=-1, type=click.Path(path_type=Path))
@click.option("--gold", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Gold standard (JSON Lines).")
@click.option("-g", "--graph", type=click.Path(dir_okay=False, path_type=Path),
              help="Score this graph instead of building CASES.")
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.option("--items", is_flag=True,
              help="With --json: list each case's matched, false-positive and missed items.")
def eval_cmd(cases: tuple[Path, ...], gold: Path, graph: Path | None, as_json: bool,
             items: bool) -> None:
    """Score extraction against a gold standard: precision, recall, F1."""
    from kg.eval import run as run_eval

    click.echo(run_eval(gold, list(cases), graph, as_json=as_json, items=items))


# ---------------------------------------------------------------- draw


@cli.command(epilog="""\b
Example:
  kg draw seed-kyphoplasty --graph outputs/graph.ttl -o outputs/seed-kyphoplasty.png
""")
@click.argument("case_id")
@click.option("-g", "--graph", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The graph file holding the case.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The picture to write (.png or .svg).")
@click.pass_context
def draw(ctx: click.Context, case_id: str, graph: Path, output: Path) -> None:
    """Draw one case: procedures, findings, sites and their relations."""
    from kg.draw_render import draw_case

    if not graph.is_file():
        raise KGError(f"{graph}: no such graph file")
    draw_case(graph, case_id, output)
    _say(ctx, str(output))


# ---------------------------------------------------------------- validate


@cli.command(epilog="""\b
Examples:
  kg validate outputs/graph.ttl
  kg validate outputs/graph.ttl --shapes my-shapes.ttl
""")
@click.argument("graph", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--shapes", type=click.Path(dir_okay=False, path_type=Path),
              help="SHACL shapes (default: the shipped ontologies/shapes.ttl).")
@click.pass_context
def validate(ctx: click.Context, graph: Path, shapes: Path | None) -> None:
    """Check a graph against the SHACL shapes. Exit 0 conforms, 1 violations, 2 error."""
    from kg.api import validate_graph

    conforms, text = validate_graph(graph, shapes)
    if not conforms or not (ctx.obj or {}).get("quiet"):
        click.echo(text.rstrip())
    ctx.exit(EXIT_OK if conforms else 1)


@cli.command(epilog="""\b
Examples:
  kg stats outputs/graph.ttl
  kg stats outputs/graph.ttl --format json --top 25
""")
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many of the most frequent classes and phrases to list.")
def stats(graph: Path, fmt: str, top: int) -> None:
    """Summarise a graph: cases, findings by assertion, complications, procedures,
    the most frequent classes and the unlinked phrases."""
    from kg.stats import format_stats, graph_stats

    click.echo(format_stats(graph_stats(graph, top=top), fmt))


@cli.command(epilog="""\b
Examples:
  kg completion bash >> ~/.bashrc
  kg completion zsh > ~/.zfunc/_kg
  kg completion fish > ~/.config/fish/completions/kg.fish
""")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (commands, options, file names)."""
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)(cli, {}, "kg", "_KG_COMPLETE")
    click.echo(complete.source())


def _check_base(base: str) -> None:
    """A bad --base is one usage error, not a failure of every case."""
    from kg.assemble import AssemblyError, check_base

    try:
        check_base(base)
    except AssemblyError as exc:
        raise KGError(f"--base: {exc}") from None


def _add_picture_commands() -> None:
    """``kg spine``, ``kg report`` and ``kg explore`` live in kg/cli_pictures.py."""
    from kg.cli_pictures import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_add_picture_commands()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``kg``)."""
    cli.main(args=argv, prog_name="kg")


__all__ = ["cli", "main", "EXIT_USAGE"]


if __name__ == "__main__":  # ``python -m kg.cli`` as well as ``python -m kg`` and ``kg``
    main()
