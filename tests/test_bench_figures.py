"""The benchmark never reports a speed-up between two different answers."""

from bench.measure import Figure, fmt_ratio, line


def test_a_ratio_is_shown_when_the_answers_agree():
    f = Figure("gaps", "gaps", "1M", 50.0, "ms", 500.0, "networkx", 10.0, "speed-up")
    assert fmt_ratio(f) == "10.0× faster"
    assert "10.0× faster" in line(f)


def test_answers_differ_replaces_the_ratio():
    f = Figure("targets", "targets", "1M", 50.0, "ms", 500.0, "networkx", None, "speed-up", differs=True)
    assert fmt_ratio(f) == "answers differ"
    assert "answers differ" in line(f) and "faster" not in line(f)
