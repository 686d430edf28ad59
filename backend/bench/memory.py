"""A server process's memory while a benchmark runs: its resident size sampled in a thread,
so the table tools' benchmarks can show that a large export or import is held in flat
memory (`bench.stream_export`, `bench.csv_import`)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.live import rss_bytes

MB = 1024 * 1024


@dataclass
class Samples:
    """RSS samples of one process, in bytes: the first is taken before the work starts."""

    values: list[int] = field(default_factory=list)

    @property
    def before(self) -> float:
        return self.values[0] / MB

    @property
    def peak(self) -> float:
        return max(self.values) / MB

    @property
    def after(self) -> float:
        return self.values[-1] / MB

    @property
    def growth(self) -> float:
        return self.peak - self.before

    def quarters(self) -> list[float]:
        """The highest sample of each quarter of the run, in MB: flat memory stays level."""
        size = max(1, len(self.values) // 4)
        return [max(self.values[i : i + size]) / MB for i in range(0, len(self.values), size)][:4]

    def line(self) -> str:
        steps = " / ".join(f"{q:.0f}" for q in self.quarters())
        return (
            f"server RSS: before {self.before:.0f} MB, peak {self.peak:.0f} MB"
            f" (growth {self.growth:.1f} MB), after {self.after:.0f} MB;"
            f" peak per quarter {steps} MB"
        )


@contextmanager
def sampled(pid: int, every_s: float = 0.05) -> Iterator[Samples]:
    """Sample `pid`'s RSS every `every_s` seconds until the block ends."""
    samples = Samples([rss_bytes(pid)])
    done = threading.Event()

    def watch() -> None:
        while not done.wait(every_s):
            samples.values.append(rss_bytes(pid))

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        done.set()
        thread.join()
        samples.values.append(rss_bytes(pid))
