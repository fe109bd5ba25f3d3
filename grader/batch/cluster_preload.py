"""`dask worker SCHEDULER --preload grader.batch.cluster_preload`: a worker that cannot confine
students' code with bubblewrap refuses to start (exit status 1, the reason on stderr), unless
BACKPROP_LAB_ALLOW_NO_BUBBLEWRAP=1 accepts the fallback confinement.

The check runs when Dask imports this module: an error in a preload's `dask_setup` is only
logged and the worker starts anyway, while a failed import stops it."""
from .cluster_task import no_bubblewrap_sentence, worker_facts

_facts = worker_facts()
if not (_facts["bubblewrap"] or _facts["fallback_allowed"]):
    raise SystemExit(f"this worker will not grade: {no_bubblewrap_sentence()}")
