"""Stream a build into one RDF file, written to a temporary file and renamed at the end.

* ``.nt``: every case's triples (the union graph), case after case;
* ``.nq``: the same, each triple in its case's named graph (graph IRI = case IRI);
* ``.ttl``: the union graph as Turtle, one block of statements per case;
* ``.trig``: Turtle statements inside one ``<case> { ... }`` block per case;
* ``.jsonld``, ``.rdf``, ``.owl``: document formats, gathered in memory and written
  through :func:`kg.rdfio.write_graph` at the end (small corpora only).

Cases come in input order and each case's statements are sorted, so the bytes depend
on the inputs only (not on the number of workers). Nothing replaces the target until
:meth:`FileSink.commit`; :meth:`FileSink.abort` (or an interrupted build) leaves the
previous file as it was.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, TextIO

from kg.namespaces import CASE, PREFIXES
from kg.rdfio import format_for, make_folder, temp_beside

log = logging.getLogger(__name__)

STREAMED = ("ntriples", "nquads", "turtle", "trig")
LARGE_DOCUMENT = 10_000  # cases: beyond this a document format warns once


class FileSink:
    """One output file, filled batch by batch."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.format = format_for(self.path)
        make_folder(self.path.parent, self.path)
        fd, tmp = temp_beside(self.path)
        self.tmp = Path(tmp)
        self.out: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self.triples = 0
        self.cases = 0
        self._held: list[str] = []  # N-Triples of document formats
        if self.format in ("turtle", "trig"):
            self.out.write(_turtle_header())

    @property
    def wants_turtle(self) -> bool:
        return self.format in ("turtle", "trig")

    def write_batch(self, results: list[Any]) -> None:
        """Append the built cases of ``results`` (failed ones are skipped)."""
        for r in results:
            if not r.ok:
                continue
            self.cases += 1
            self.triples += r.triples
            if self.format == "ntriples":
                self.out.write(r.ntriples)
            elif self.format == "nquads":
                from kg.store import nquads

                self.out.write(nquads(r.graph, r.ntriples))
            elif self.format == "turtle":
                self.out.write(r.turtle + "\n")
            elif self.format == "trig":
                self.out.write(f"<{r.graph}> {{\n{_indent(r.turtle)}}}\n\n")
            else:
                if self.cases == LARGE_DOCUMENT:
                    log.warning("%s: %s output is held in memory; use .nt or .nq for a corpus",
                                self.path, self.format)
                self._held.append(r.ntriples)

    def commit(self) -> int:
        """Finish the file and move it into place; the number of triples written."""
        if self.format not in STREAMED:
            self.triples = self._write_document()
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        os.replace(self.tmp, self.path)
        log.info("wrote %d triples to %s", self.triples, self.path)
        return self.triples

    def abort(self) -> None:
        """Drop the temporary file; the previous output stays."""
        if not self.out.closed:
            self.out.close()
        self.tmp.unlink(missing_ok=True)

    def _write_document(self) -> int:
        """JSON-LD / RDF-XML of the held triples, through the rdfio writers."""
        from rdflib import Graph

        from kg.rdfio import to_jsonld, to_rdfxml

        graph = Graph().parse(data="".join(self._held), format="nt")
        triples = list(graph)
        text = to_jsonld(triples) if self.format == "json-ld" else to_rdfxml(triples)
        self.out.write(text)
        return len(triples)


def _turtle_header() -> str:
    lines = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in PREFIXES.items()]
    return "\n".join([*lines, f"@base <{CASE}> .", "", ""])


def _indent(text: str) -> str:
    """The block unchanged, ending in a newline: indenting its lines would also indent
    the lines of multi-line literals (the case text), changing the stored text."""
    return text if text.endswith("\n") else text + "\n"
