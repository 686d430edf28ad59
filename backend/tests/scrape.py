"""Reading `/metrics` the way a Prometheus user does: one series' value by its name and
labels as they appear in the text."""


def sample(metrics: str, series: str) -> float | None:
    """The value of `series` (e.g. `name{label="x"}`), or None when the answer lacks it."""
    for line in metrics.splitlines():
        name, _, value = line.rpartition(" ")
        if name == series:
            return float(value)
    return None
