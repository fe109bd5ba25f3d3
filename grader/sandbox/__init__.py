"""The sandbox: the worker process that runs a submission's code, and what the judge holds of it.

- `process.Sandbox`: starts, talks to, times out, restarts and kills one worker at a time;
- `isolation.Confinement`: bubblewrap or the fallback's Landlock, seccomp, rlimits, cgroups;
- `remote`: handles on the worker's objects and the ways a request can end;
- `zygote`: a batch's warm parent of workers, which enters each worker's own bubblewrap sandbox;
- `containment`, `seccomp`: the kernel mechanisms the confinement uses.
"""
from .isolation import bubblewrap_available, probe, start_zygote
from .process import Sandbox, prepare_judge, runtime_folder
from .zygote import COLD_PRELOAD, ZYGOTE_ENV
from .remote import RemoteObject, StaleHandle, StudentRaised, WorkerLost

__all__ = ["Sandbox", "prepare_judge", "runtime_folder", "bubblewrap_available", "probe", "start_zygote",
           "COLD_PRELOAD", "ZYGOTE_ENV", "RemoteObject", "StaleHandle", "StudentRaised", "WorkerLost"]
