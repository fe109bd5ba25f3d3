"""`--shard i/N`: one of N deterministic parts of a batch, for a Slurm job array or a Kubernetes
indexed job (no Dask needed); `python -m grader gradebook` merges the parts' gradebooks.

A student belongs to shard sha256(student's reports folder) mod N, whatever else the
submissions folder holds: adding a student moves nobody else, so each shard's cache stays
valid, and all of one student's assignments land in one shard (one gradebook row)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from backprop_lab_check.i18n import _


@dataclass(frozen=True)
class Shard:
    index: int  # 0 .. count - 1, as $SLURM_ARRAY_TASK_ID (--array=0-<N-1>) or $JOB_COMPLETION_INDEX
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'2/8' -> Shard(2, 8); ValueError with a sentence for anything else."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
        if not match:
            raise ValueError(_("--shard takes INDEX/COUNT, such as 0/4, not {given!r}").format(given=text))
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or index >= count:
            raise ValueError(_("--shard {given}: the index must be 0 to COUNT-1 and COUNT at least 1").format(given=text))
        return cls(index, count)

    def holds(self, folder: str) -> bool:
        return shard_of(folder, self.count) == self.index

    def to_dict(self) -> dict:
        return {"index": self.index, "count": self.count}

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(folder: str, count: int) -> int:
    digest = hashlib.sha256(folder.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count
