"""The memory a note holds, as its worker measures it: the resident memory of the note's
process and of every process it started, read from /proc while the note runs.

Address space is not memory: a library may reserve gigabytes it never touches (jax, an
anonymous mmap), so the cap is on resident pages. The note's child is forked from the warm
worker and shares its pages (numpy, matplotlib) until it writes to them; the worker's own
resident memory at the fork is not the note's. A process the note forks shares pages with
it too, so when the note runs several processes and their summed resident memory passes the
cap, their proportional share (PSS, each shared page divided among the processes that map
it) decides; PSS is dearer to read, so only then. Memory is sampled every SAMPLE_SECONDS,
so a note passes its cap by at most what it allocates in that time before it is stopped.
A cgroup would count exactly, but making one needs root or a delegated cgroup v2, which a
build image (Vercel's) does not give; /proc is there wherever Linux is. Where /proc is
missing, nothing is measured and no cap holds."""

from __future__ import annotations

import os

# How often the worker samples a running note's memory.
SAMPLE_SECONDS = 0.05
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MB = 1024 * 1024


def resident_bytes(pid: int) -> int | None:
    """A process's resident memory; None when it is gone or /proc is missing."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def proportional_bytes(pid: int) -> int | None:
    """A process's proportional share of the memory it maps (PSS); None when unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it, from /proc's lists of children."""
    found = [root]
    index = 0
    while index < len(found):
        pid = found[index]
        index += 1
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for thread in threads:
            try:
                with open(f"/proc/{pid}/task/{thread}/children", "rb") as f:
                    found.extend(int(child) for child in f.read().split())
            except (OSError, ValueError):
                continue
    return list(dict.fromkeys(found))


class MemoryWatch:
    """The memory of one note's processes, sampled by its worker against the note's cap."""

    def __init__(self, root: int, cap_mb: int | None, baseline: int) -> None:
        self.root = root  # the note's child
        self.cap_mb = cap_mb  # what the note may hold, in MB; None: no cap
        self.baseline = baseline  # the worker's resident bytes when it forked the child
        self.peak = 0  # the most the note was seen to hold, in bytes
        self.next_sample = 0.0  # when the next sample is due (time.monotonic())
        # The last proportional measure of several processes: (bytes held, resident sum then).
        self.shared: tuple[int, int] | None = None

    def wait(self, now: float) -> float | None:
        """Seconds until the next sample is due; None when there is no cap."""
        return None if self.cap_mb is None else max(0.0, self.next_sample - now)

    def over_cap(self, now: float) -> bool:
        """Sample if a sample is due; whether the note holds more than its cap."""
        if self.cap_mb is None or now < self.next_sample:
            return False
        self.next_sample = now + SAMPLE_SECONDS
        cap = self.cap_mb * MB
        tree = process_tree(self.root)
        resident = sum(size for pid in tree if (size := resident_bytes(pid)) is not None)
        held = resident - self.baseline
        if len(tree) > 1 and held > cap:
            held = self._shared_once(tree, resident, cap)
        self.peak = max(self.peak, held)
        return held > cap

    def _shared_once(self, tree: list[int], resident: int, cap: int) -> int:
        """What several processes hold between them, each shared page counted once: the last
        proportional measure plus what their resident memory grew by since, measured again
        when that passes the cap."""
        if self.shared is not None:
            held, then = self.shared
            estimate = held + max(0, resident - then)
            if estimate <= cap:
                return estimate
        shares = [proportional_bytes(pid) for pid in tree]
        if shares[0] is None:  # no smaps_rollup (Linux before 4.14), or the note has ended
            return resident - self.baseline
        # A process that ended meanwhile holds nothing any more.
        # The child shared the worker's pages with it at the fork: half of them were its PSS.
        held = sum(share for share in shares if share is not None) - self.baseline // 2
        self.shared = (held, resident)
        return held

    @property
    def peak_mb(self) -> int:
        """The peak in whole MB, rounded up: a note stopped just past its cap reads as past it."""
        return -(-self.peak // MB)
