"""Where each acupoint is: body outlines and landmarks as coordinates, the point located from
the landmarks by its WHO (2008) definition, drawn as a labelled PNG."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyBboxPatch, Polygon

from bot.services.charts import font

Point = tuple[float, float]
PICTURE_PX, DPI = 800, 100
POINT_COLOUR, BONE_COLOUR, SKIN_COLOUR, LINE_COLOUR = "#d62828", "#8d99ae", "#fde8d7", "#5c4d42"
DRAWING_VERSION = 1  # bump when the drawing code changes, so pictures are uploaded again

# ---- landmarks (units: the view's own; on the back 1 unit ≈ 0.87 cun) -------------------------
CUN = 1.15  # units per B-cun on the back and buttock views
SPINE_X = 0.0
# Centres of the lumbar spinous processes (each 1.0 high): the lower border is centre − 0.5.
SPINOUS = {"T12": 12.6, "L1": 11.0, "L2": 9.4, "L3": 7.8, "L4": 6.2, "L5": 4.6}
SPINOUS_HALF_HEIGHT = 0.5
ILIAC_CREST_TOP_Y = SPINOUS["L4"]  # Tuffier's line usually crosses the L4 spinous process
SACRAL_HIATUS: Point = (0.0, 0.9)
GREATER_TROCHANTER: Point = (8.2, 0.2)  # on the buttock view, the patient's right side
POPLITEAL_CREASE = ((-2.6, 5.0), (2.6, 5.0))  # medial to lateral ends on the knee view
# Dorsum of the right hand: the second metacarpal from its base to its head.
SECOND_METACARPAL = ((1.3, 1.6), (1.9, 6.9))
FIRST_METACARPAL = ((0.1, 1.6), (-2.1, 5.6))


def lower_border(vertebra: str) -> float:
    """The height of the lower border of a lumbar spinous process."""
    return SPINOUS[vertebra] - SPINOUS_HALF_HEIGHT


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _radial_of_midpoint(start: Point, end: Point, distance: float) -> Point:
    """A point beside the bone's midpoint, toward the thumb (the radial side, −x here)."""
    mid = _lerp(start, end, 0.5)
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = (dx * dx + dy * dy) ** 0.5
    normal = (-dy / length, dx / length)  # left of the bone's direction: toward the thumb
    return (mid[0] + normal[0] * distance, mid[1] + normal[1] * distance)


def locate(point: str) -> tuple[Point, ...]:
    """Where the point is drawn, worked out from the landmarks (both sides when bilateral)."""
    if point == "bl23":  # lower border of L2 spinous process, 1.5 B-cun lateral
        y = lower_border("L2")
        return ((SPINE_X - 1.5 * CUN, y), (SPINE_X + 1.5 * CUN, y))
    if point == "bl25":  # lower border of L4 spinous process, 1.5 B-cun lateral
        y = lower_border("L4")
        return ((SPINE_X - 1.5 * CUN, y), (SPINE_X + 1.5 * CUN, y))
    if point == "gv4":  # the depression below the L2 spinous process, on the midline
        return ((SPINE_X, lower_border("L2") - 0.3),)
    if point == "gb30":  # lateral third of the line from the greater trochanter to the hiatus
        return (_lerp(GREATER_TROCHANTER, SACRAL_HIATUS, 1 / 3),)
    if point == "bl40":  # midpoint of the popliteal crease
        return (_lerp(*POPLITEAL_CREASE, 0.5),)
    if point == "li4":  # radial to the midpoint of the second metacarpal
        return (_radial_of_midpoint(*SECOND_METACARPAL, 0.55),)
    raise KeyError(point)


VIEWS = {
    "bl23": "back",
    "bl25": "back",
    "gv4": "back",
    "gb30": "hip",
    "bl40": "knee",
    "li4": "hand",
}
TOPICS = {f"acupoints.{point}": point for point in VIEWS}
LANDMARKS = ("sacrum", "crest-line", "cun", "hiatus", "trochanter", "midline", "third", "crease",
             "medial", "lateral", "metacarpal", "thumb", "wrist")  # fmt: skip


@dataclass(frozen=True)
class PictureLabels:
    """The picture's words in one language (point name with reading, landmark names)."""

    language: str
    point: str
    view: str
    landmarks: dict[str, str]

    def key(self, point: str) -> str:
        """Names this exact picture: a new drawing or new words give a new key (and upload)."""
        spec = json.dumps(
            {"v": DRAWING_VERSION, "at": locate(point), **asdict(self)}, sort_keys=True
        )
        return f"acupoint:{point}:{self.language}:{hashlib.sha256(spec.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class PictureRequest:
    """What to draw (plain data, so it can cross to another process)."""

    point: str
    labels: PictureLabels


def _mark(axes: Axes, at: Point, label: str | None, language: str, offset: Point) -> None:
    axes.plot([at[0]], [at[1]], "o", color=POINT_COLOUR, markersize=16, alpha=0.25, zorder=5)
    axes.plot([at[0]], [at[1]], "o", color=POINT_COLOUR, markersize=8, zorder=6)
    if label:
        axes.annotate(
            label,
            at,
            xytext=(at[0] + offset[0], at[1] + offset[1]),
            fontproperties=font(language, 15),
            color=POINT_COLOUR,
            fontweight="bold",
            arrowprops={"arrowstyle": "-", "color": POINT_COLOUR, "lw": 1.5},
            zorder=7,
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": POINT_COLOUR, "alpha": 0.9},
        )


def _note(
    axes: Axes,
    at: Point,
    text: str,
    language: str,
    *,
    size: float = 11,
    ha: str = "left",
    va: str = "baseline",
) -> None:
    axes.text(
        at[0], at[1], text, fontproperties=font(language, size), color=LINE_COLOUR, ha=ha, va=va
    )


def _draw_back(axes: Axes, labels: PictureLabels, point: str) -> None:
    lang, marks = labels.language, labels.landmarks
    torso = [(-6.5, 14), (-5.6, 9.5), (-6.2, 6.5), (-7.6, 3.5), (-8, 0), (8, 0), (7.6, 3.5),
             (6.2, 6.5), (5.6, 9.5), (6.5, 14)]  # fmt: skip
    axes.add_patch(Polygon(torso, closed=True, fc=SKIN_COLOUR, ec=LINE_COLOUR, lw=2))
    for name, y in SPINOUS.items():
        axes.add_patch(
            FancyBboxPatch(
                (SPINE_X - 0.45, y - SPINOUS_HALF_HEIGHT),
                0.9,
                2 * SPINOUS_HALF_HEIGHT,
                boxstyle="round,pad=0.05",
                fc="white",
                ec=BONE_COLOUR,
                lw=1.5,
            )
        )
        _note(axes, (SPINE_X + 0.6, y + 0.1), name, lang, size=10)
    sacrum = [(-2.2, 3.7), (2.2, 3.7), (0.5, SACRAL_HIATUS[1]), (-0.5, SACRAL_HIATUS[1])]
    axes.add_patch(Polygon(sacrum, closed=True, fc="white", ec=BONE_COLOUR, lw=1.5))
    _note(axes, (2.6, 2.2), marks["sacrum"], lang)
    for side in (-1, 1):  # the iliac crests, their tops level with L4
        xs = [side * x for x in (2.6, 3.8, 5.2, 6.6)]
        ys = [3.2, ILIAC_CREST_TOP_Y - 0.4, ILIAC_CREST_TOP_Y, ILIAC_CREST_TOP_Y - 1.0]
        axes.plot(xs, ys, color=BONE_COLOUR, lw=3)
    axes.plot([-5.2, 5.2], [ILIAC_CREST_TOP_Y] * 2, ls="--", color=BONE_COLOUR, lw=1.2)
    _note(axes, (-7.4, ILIAC_CREST_TOP_Y + 0.35), marks["crest-line"], lang)
    axes.axvline(SPINE_X, color=BONE_COLOUR, lw=0.8, ls=":", zorder=1)
    at = locate(point)
    if point in ("bl23", "bl25"):
        y = at[0][1]
        axes.annotate(
            "", xy=(SPINE_X - 1.5 * CUN, y - 0.45), xytext=(SPINE_X, y - 0.45),
            arrowprops={"arrowstyle": "<->", "color": LINE_COLOUR, "lw": 1.2},
        )  # fmt: skip
        _note(axes, (SPINE_X - 1.5 * CUN, y - 0.75), marks["cun"], lang, ha="right", va="top")
    for i, where in enumerate(at):
        _mark(axes, where, labels.point if i == len(at) - 1 else None, lang, (1.8, 1.6))
    axes.set_xlim(-8.5, 8.5)
    axes.set_ylim(-0.5, 14.5)


def _draw_hip(axes: Axes, labels: PictureLabels, point: str) -> None:
    lang, marks = labels.language, labels.landmarks
    outline = [(-1.0, 8.5), (-1.0, -6), (4.5, -6.5), (8.6, -2.5), (9.6, 1.5), (8.8, 6.5),
               (5.5, 8.5)]  # fmt: skip
    axes.add_patch(Polygon(outline, closed=True, fc=SKIN_COLOUR, ec=LINE_COLOUR, lw=2))
    sacrum = [(-1.0, 6.5), (2.0, 6.0), (0.6, SACRAL_HIATUS[1]), (-1.0, SACRAL_HIATUS[1])]
    axes.add_patch(Polygon(sacrum, closed=True, fc="white", ec=BONE_COLOUR, lw=1.5))
    axes.plot(*zip(SACRAL_HIATUS, strict=True), "s", color=BONE_COLOUR, markersize=8)
    axes.add_patch(Ellipse(GREATER_TROCHANTER, 1.6, 2.2, fc="white", ec=BONE_COLOUR, lw=2))
    axes.plot(*zip(*(SACRAL_HIATUS, GREATER_TROCHANTER), strict=True), ls="--",
              color=LINE_COLOUR, lw=1.5)  # fmt: skip
    for third in (1 / 3, 2 / 3):
        tick = _lerp(GREATER_TROCHANTER, SACRAL_HIATUS, third)
        axes.plot([tick[0]], [tick[1]], "|", color=LINE_COLOUR, markersize=14, mew=2)
    _note(axes, (SACRAL_HIATUS[0] - 0.8, SACRAL_HIATUS[1] - 1.4), marks["hiatus"], lang)
    trochanter_x, trochanter_y = GREATER_TROCHANTER
    _note(axes, (trochanter_x, trochanter_y - 2.6), marks["trochanter"], lang, ha="center")
    _note(axes, (-0.8, 7.2), marks["midline"], lang)
    label_x, label_y = _lerp(GREATER_TROCHANTER, SACRAL_HIATUS, 1 / 6)
    _note(axes, (label_x, label_y - 1.0), marks["third"], lang, size=10, ha="center")
    (at,) = locate(point)
    _mark(axes, at, labels.point, lang, (-0.5, 3.6))
    axes.set_xlim(-2, 11)
    axes.set_ylim(-7.5, 9.5)


def _draw_knee(axes: Axes, labels: PictureLabels, point: str) -> None:
    lang, marks = labels.language, labels.landmarks
    leg = [(-4.2, 12), (-3.4, 5.5), (-3.0, 5.0), (-3.3, 4.0), (-3.4, -2), (-2.6, -6), (2.6, -6),
           (3.4, -2), (3.3, 4.0), (3.0, 5.0), (3.4, 5.5), (4.2, 12)]  # fmt: skip
    axes.add_patch(Polygon(leg, closed=True, fc=SKIN_COLOUR, ec=LINE_COLOUR, lw=2))
    (medial, lateral) = POPLITEAL_CREASE
    axes.plot([medial[0], lateral[0]], [medial[1], lateral[1]], color=LINE_COLOUR, lw=2)
    for x in (-2.2, 2.2):  # hamstring tendons either side of the hollow
        axes.plot([x * 1.2, x], [10, 5.6], color=BONE_COLOUR, lw=3)
    _note(axes, (-3.9, 5.4), marks["crease"], lang)
    _note(axes, (-2.3, 10.6), marks["medial"], lang, ha="center")
    _note(axes, (2.3, 10.6), marks["lateral"], lang, ha="center")
    (at,) = locate(point)
    _mark(axes, at, labels.point, lang, (0.8, -4.0))
    axes.set_xlim(-6.5, 6.5)
    axes.set_ylim(-6.5, 12.5)


def _draw_hand(axes: Axes, labels: PictureLabels, point: str) -> None:
    lang, marks = labels.language, labels.landmarks
    palm = [(0.0, -1.0), (6.6, -1.0), (7.0, 7.2), (1.2, 7.6), (-0.2, 5.6), (-3.4, 8.4),
            (-4.3, 7.6), (-1.2, 2.4)]  # fmt: skip
    axes.add_patch(Polygon(palm, closed=True, fc=SKIN_COLOUR, ec=LINE_COLOUR, lw=2))
    for left, bottom, length in ((1.3, 7.0, 5.2), (2.75, 7.1, 5.9), (4.2, 7.0, 5.4),
                                 (5.65, 6.8, 4.2)):  # fmt: skip
        axes.add_patch(
            FancyBboxPatch(
                (left, bottom),
                1.25,
                length,
                boxstyle="round,pad=0,rounding_size=0.6",
                fc=SKIN_COLOUR,
                ec=LINE_COLOUR,
                lw=2,
            )
        )
    axes.add_patch(Polygon(palm, closed=True, fc=SKIN_COLOUR, ec="none", lw=0))
    for bone in (FIRST_METACARPAL, SECOND_METACARPAL):
        axes.plot(*zip(*bone, strict=True), color=BONE_COLOUR, lw=5, solid_capstyle="round")
    _note(axes, (2.4, 3.6), marks["metacarpal"], lang)
    _note(axes, (-4.6, 8.9), marks["thumb"], lang)
    _note(axes, (0.4, -2.4), marks["wrist"], lang)
    (at,) = locate(point)
    _mark(axes, at, labels.point, lang, (-5.0, -2.5))
    axes.set_xlim(-6, 8.5)
    axes.set_ylim(-3.5, 13.5)


_DRAW = {"back": _draw_back, "hip": _draw_hip, "knee": _draw_knee, "hand": _draw_hand}


def render_picture(request: PictureRequest) -> bytes:
    """The picture as a PNG, PICTURE_PX square."""
    labels = request.labels
    figure = Figure(figsize=(PICTURE_PX / DPI, PICTURE_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.02, 0.02, 0.96, 0.88))
    _DRAW[VIEWS[request.point]](axes, labels, request.point)
    axes.set_aspect("equal", adjustable="box")
    axes.axis("off")
    figure.suptitle(labels.view, fontproperties=font(labels.language, 17), y=0.96)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
