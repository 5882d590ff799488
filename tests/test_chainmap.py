"""The chain map picture (reports/chainmap.py): the cheaper drawing gives the same pixels; pictures are kept by their inputs."""

from __future__ import annotations

import io

import pytest

from reports import chainmap as cm


def _png(draw) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 100)
    ax.set_ylim(60, 0)
    draw(ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, facecolor="white")
    return buf.getvalue()


DOTS = [(10.0, 10.0, 81.0, "#d64545", "#802929", 1.4), (50.5, 30.2, 30.0, "#3c8d5a", "#3c8d5a", 0.5), (90.0, 52.0, 144.0, "#9aa5b1", "#5c636a", 1.4)]


def test_a_dot_has_the_pixels_of_a_one_point_scatter():
    def with_scatter(ax):
        for x, y, s, c, e, w in DOTS:
            ax.scatter([x], [y], s=s, c=c, edgecolors=e, linewidths=w, zorder=3)

    def with_dot(ax):
        for x, y, s, c, e, w in DOTS:
            cm._dot(ax, x, y, s, c, e, w)

    assert _png(with_dot) == _png(with_scatter)


def test_arrows_added_without_data_limits_draw_the_same():
    from matplotlib.patches import FancyArrowPatch

    def arrows(add):
        def draw(ax):
            for (x1, y1), (x2, y2) in (((10, 10), (50, 30)), ((50, 30), (90, 52))):
                add(ax)(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=6, color=cm.EDGE, lw=0.6,
                                        connectionstyle="arc3,rad=0.08", shrinkA=6, shrinkB=7, zorder=1))
        return draw

    assert _png(arrows(lambda ax: ax.add_artist)) == _png(arrows(lambda ax: ax.add_patch))


@pytest.fixture
def font_path():
    from reports import FontMissing, find_cjk_font

    try:
        return str(find_cjk_font().path)
    except FontMissing:
        pytest.skip("no CJK font")


def test_a_map_drawn_again_is_the_kept_picture_and_other_inputs_draw_anew(font_path, monkeypatch):
    segs = [
        {"segment_id": "A", "segment_name": "上游", "stage": "upstream", "label": "strong", "local_count": 3, "key": True, "parent_id": None, "reasons": ["x"]},
        {"segment_id": "B", "segment_name": "下游", "stage": "downstream", "label": "missing", "local_count": 0, "key": False, "parent_id": None},
    ]
    monkeypatch.setattr(cm, "_drawn", type(cm._drawn)())
    drawn: list[int] = []
    real = cm._draw_png
    monkeypatch.setattr(cm, "_draw_png", lambda *a, **k: drawn.append(1) or real(*a, **k))
    first = cm.chain_map_png(segs, [("A", "B")], font_path=font_path, max_height_cm=11.5)
    again = cm.chain_map_png([dict(s, reasons=["other"]) for s in segs], [("A", "B")], font_path=font_path, max_height_cm=11.5)
    assert again == first and len(drawn) == 1 and first[0].startswith(b"\x89PNG")
    other = cm.chain_map_png([dict(segs[0], label="weak"), segs[1]], [("A", "B")], font_path=font_path, max_height_cm=11.5)
    assert other[0] != first[0] and len(drawn) == 2
    cm.chain_map_png(segs, [], font_path=font_path, max_height_cm=11.5)
    cm.chain_map_png(segs, [("A", "B")], font_path=font_path, max_height_cm=17.0)
    assert len(drawn) == 4
    monkeypatch.setattr(cm, "MAP_CACHE", 1)
    cm.chain_map_png(segs, [("B", "A")], font_path=font_path, max_height_cm=11.5)
    assert len(drawn) == 5 and len(cm._drawn) == 1  # the older pictures let go
    assert cm.chain_map_png(segs, [("A", "B")], font_path=font_path, max_height_cm=11.5) == first and len(drawn) == 6
