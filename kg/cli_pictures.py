"""Click commands for the pictures: ``kg spine``, ``kg report``, ``kg explore``.

Each is a thin call to its library function (kg/spine.py, kg/report.py,
kg/explore.py); matplotlib and rdflib load inside the commands. ``kg.cli``
registers them with ``cli.add_command(...)``. Bad input raises
:class:`~kg.errors.InputError`, which the ``kg`` group prints as one line (exit 2).
"""

from __future__ import annotations

from pathlib import Path

import click

from kg.errors import InputError


def _graph_file(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"{path}: no such graph file")
    return path


def _quiet(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("quiet"))


@click.command("spine", epilog="""\b
Examples:
  kg spine seed-kyphoplasty --graph outputs/graph.ttl -o outputs/seed-spine.png
  kg spine --graph outputs/graph.ttl -o outputs/corpus-spine.svg   # the corpus heat map
""")
@click.argument("case_id", required=False)
@click.option("-g", "--graph", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The graph file (.ttl, .nt, .jsonld, .rdf).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The picture to write (.png or .svg).")
@click.pass_context
def spine(ctx: click.Context, case_id: str | None, graph: Path, output: Path) -> None:
    """Draw the spine map of CASE_ID: C1 to the coccyx, each level coloured by what happened
    there (findings, procedures, complications), with what is there listed beside it.

    Without CASE_ID, draw the corpus: counts per level and kind as a heat map.
    """
    from kg.spine import draw_spine

    draw_spine(_graph_file(graph), output, case_id)
    if not _quiet(ctx):
        click.echo(str(output))


@click.command("report", epilog="""\b
Examples:
  kg report outputs/graph.ttl -o outputs/report
  xdg-open outputs/report/index.html
""")
@click.argument("graph", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Directory for index.html and the charts (created if missing).")
@click.option("--title", default="CaseKG corpus report", show_default=True,
              help="Title of the page.")
@click.pass_context
def report(ctx: click.Context, graph: Path, out_dir: Path, title: str) -> None:
    """Write a one-page HTML report of GRAPH: the competency answers as tables and charts
    (complications by procedure, findings by level, assertion mix, concept co-occurrence),
    each chart also as PNG and SVG."""
    from kg.report import write_report

    page = write_report(_graph_file(graph), out_dir, title=title)
    if not _quiet(ctx):
        click.echo(str(page))


@click.command("explore", epilog="""\b
Examples:
  kg explore outputs/graph.ttl -o outputs/explorer.html
  kg explore corpus.ttl -o explorer.html --title "Spine cases, 2024"
""")
@click.argument("graph", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write.")
@click.option("--title", default="CaseKG explorer", show_default=True, help="Title of the page.")
@click.pass_context
def explore(ctx: click.Context, graph: Path, output: Path, title: str) -> None:
    """Write one self-contained HTML file (works offline) to search the cases of GRAPH, see
    each as a graph, click a node for its properties and read the text with every mention
    highlighted and linked to its node."""
    from kg.explore import write_explorer

    write_explorer(_graph_file(graph), output, title=title)
    if not _quiet(ctx):
        click.echo(str(output))


COMMANDS = (spine, report, explore)
