"""Run extraction on a Dask cluster: partitions of cases -> N-Triples parts -> the sinks.

``kg build ... --engine dask --scheduler tcp://host:8786`` connects to a running
scheduler (``dask scheduler`` on one machine, ``dask worker tcp://host:8786`` on each
of the others; every worker needs CaseKG installed, and users' ``--ontology`` files at
the same path). Without ``--scheduler`` a local cluster of ``--workers`` processes is
started for the run.

Each partition (a batch of cases) is one task; a worker loads the ontology and lexicon
once and keeps them for every later partition. At most ``2 x workers`` partitions are
in flight, and their results are handed back in input order, so the sinks (a file, a
store directory, an endpoint) receive the same data in the same order as a local
build. Needs the optional extra ``casekg[dask]``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.parallel import CaseResult, Job, ordered_window, process_batch

log = logging.getLogger(__name__)

_PIPELINES: dict[Any, Any] = {}
_LOCK = threading.Lock()


def _worker_pipeline(extra: tuple[str, ...]) -> Any:
    """The pipeline of this worker process, loaded on first use."""
    from kg.pipeline import Pipeline

    key = (extra, id(Pipeline.__dict__["load"]))  # a new loader (a test's stub) reloads
    with _LOCK:
        if key not in _PIPELINES:
            _PIPELINES[key] = Pipeline.load(tuple(Path(p) for p in extra))
        return _PIPELINES[key]


def run_partition(batch: list[Job], base: str, turtle: bool, extra: tuple[str, ...]
                  ) -> list[CaseResult]:
    """The task run on a worker: one partition of cases extracted."""
    return process_batch(_worker_pipeline(extra), batch, base, turtle)


class DaskEngine:
    """Batches of cases extracted as tasks on a Dask cluster."""

    def __init__(self, scheduler: str | None, workers: int = 1, extra: tuple[Path, ...] = ()):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise KGError("--engine dask needs Dask", hint="pip install 'casekg[dask]'") from exc
        self.extra = tuple(str(Path(p).resolve()) for p in extra)
        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="20s")
            else:
                self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                            dashboard_address=None)
                self.client = Client(self.cluster)
        except OSError as exc:
            raise KGError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
        self.width = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        log.info("Dask: %d worker(s) at %s", self.width, scheduler or "a local cluster")

    def map(self, batches: Iterable[list[Job]], base: str, turtle: bool = False
            ) -> Iterator[list[CaseResult]]:
        """Each batch's results, in input order."""
        submitted = (self.client.submit(run_partition, batch, base, turtle, self.extra,
                                        pure=False) for batch in batches)
        yield from ordered_window(submitted, 2 * self.width, lambda future: future.result())

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this engine started one."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
