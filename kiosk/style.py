"""The kiosk's look: high-contrast colours and one style sheet scaled by the text size."""

from __future__ import annotations

from shared.qt.fonts import UI_FONT_FAMILY

FONT_FAMILY = UI_FONT_FAMILY
BACKGROUND = "#ffffff"
INK = "#000000"
HEADER = "#0b2d6b"
PRIMARY = "#0b2d6b"
GO = "#0a6b2a"
ALERT = "#b00000"
NOTICE = "#ffd400"
MUTED_BG = "#d9d9d9"
MUTED_INK = "#333333"
PANEL = "#eef2fa"
# The placeholder emblem: a gold star on red, as on the badges of public offices.
EMBLEM = "#c8102e"
STAR = "#ffcd00"
# Touch targets at least 15 mm: 15 / 25.4 inch.
TARGET_MM = 15.0


def target_px(dots_per_inch: float) -> int:
    """Smallest touch target in pixels on a screen of this density (never under 64 px)."""
    return max(64, round(TARGET_MM / 25.4 * dots_per_inch))


def stylesheet(font_pt: int, target: int) -> str:
    """Return the style sheet for a body text size in points and a touch-target size in pixels."""
    # Headings stand out by a fixed step over the body text: once A+ has made the body large,
    # a heading 1.6 times larger would only push the rest of the screen off it.
    step = min(font_pt, 22)
    big = font_pt + round(step * 0.35)
    title = font_pt + round(step * 0.6)
    small = max(round(font_pt * 0.8), 16)
    # One letter a key: large enough to read at arm's length, small enough for six rows.
    key = min(font_pt, 28)
    # The top bar grows less than the rest: it names the centre, it is not what people read.
    bar = min(small, 24)
    return f"""
    QWidget {{ font-family: "{FONT_FAMILY}"; font-size: {font_pt}pt; color: {INK};
               background: {BACKGROUND}; }}
    QWidget#header {{ background: {HEADER}; }}
    QLabel#centre {{ font-size: {bar}pt; font-weight: bold; color: #ffffff;
                     background: {HEADER}; }}
    QLabel#clock {{ font-size: {bar}pt; color: #ffffff; background: {HEADER}; }}
    QLabel#priority {{ background: {INK}; color: #ffffff; font-weight: bold; padding: 8px; }}
    QLabel#title {{ font-size: {title}pt; font-weight: bold; }}
    QLabel#prompt {{ font-size: {big}pt; }}
    QLabel#notice {{ background: {NOTICE}; color: {INK}; font-weight: bold; padding: 12px; }}
    QLabel#status {{ background: {ALERT}; color: #ffffff; font-weight: bold; padding: 8px; }}
    QLabel#number {{ font-weight: bold; color: {PRIMARY}; }}
    QLabel#heading {{ font-size: {big}pt; font-weight: bold; }}
    QLabel#good {{ background: {GO}; color: #ffffff; font-weight: bold; padding: 12px; }}
    QLabel#bad {{ background: {ALERT}; color: #ffffff; font-weight: bold; padding: 12px; }}
    QLabel#panel {{ background: {PANEL}; padding: 12px; }}
    QLabel#query {{ border: 3px solid {PRIMARY}; padding: 10px; min-height: {target}px;
                    font-size: {big}pt; }}
    QPushButton {{ min-height: {target}px; min-width: {target}px; padding: 10px 16px;
                   border-radius: 10px; border: 3px solid {PRIMARY};
                   background: {PRIMARY}; color: #ffffff; font-weight: bold; }}
    QPushButton:pressed {{ background: #000000; }}
    QPushButton:disabled {{ background: {MUTED_BG}; color: {MUTED_INK}; border-color: #888888; }}
    QPushButton#secondary {{ background: #ffffff; color: {PRIMARY}; }}
    QPushButton#go {{ background: {GO}; border-color: {GO}; }}
    QPushButton#chip {{ background: #ffffff; color: {PRIMARY}; font-size: {small}pt; }}
    QPushButton#chip:checked {{ background: {PRIMARY}; color: #ffffff; }}
    QPushButton#key {{ background: #ffffff; color: {INK}; border-color: {MUTED_INK};
                       min-width: 0px; padding: 4px; font-size: {key}pt; }}
    QPushButton#tool {{ background: #ffffff; color: {HEADER}; border-color: #ffffff;
                        font-size: {bar}pt; }}
    QScrollArea {{ border: none; }}
    QScrollBar:vertical {{ width: 24px; background: {PANEL}; border-radius: 12px; }}
    QScrollBar::handle:vertical {{ background: {PRIMARY}; min-height: 80px; border-radius: 12px; }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
    """
