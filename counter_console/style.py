"""Colours, fonts and the style sheet every console window shares."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from shared.qt.fonts import UI_FONT_FAMILY

FONT_FAMILY = UI_FONT_FAMILY
BLUE = "#0b4f9c"
DARK = "#12263f"
GREEN = "#2e7d32"
RED = "#c62828"
AMBER = "#ef8f00"
GREY = "#6b7785"
LIGHT = "#f3f6fa"

FIELD_HEIGHT = 36  # a line edit's height with the sheet's padding; combo boxes match it
# Combo boxes, spin boxes and date edits keep Qt's own frame: a sheet that draws their border
# must draw their arrows too, from image files, or they show none or half.
STYLE_SHEET = f"""
QWidget {{ font-family: "{FONT_FAMILY}"; font-size: 15px; color: {DARK}; }}
QWidget#console, QWidget#page {{ background: {LIGHT}; }}
QFrame#card {{ background: white; border: 1px solid #d5dde8; border-radius: 8px; }}
QFrame#header {{ background: {BLUE}; }}
QFrame#header QLabel {{ color: white; }}
QLabel:disabled {{ color: #9aa5b1; }}
QLabel#alert {{ background: {AMBER}; color: black; font-weight: bold; padding: 6px; }}
QLabel#message {{ padding: 6px 10px; border-top: 1px solid #d5dde8; background: white; }}
QLabel#message[error="true"] {{ color: {RED}; font-weight: bold; }}
QPushButton {{ background: white; border: 1px solid #9fb3c8; border-radius: 6px;
  padding: 8px 10px; text-align: left; }}
QPushButton:hover {{ background: #e6f0fb; }}
QPushButton:disabled {{ color: #9aa5b1; background: #eceff3; border-color: #d5dde8; }}
QPushButton#primary {{ background: {GREEN}; color: white; font-weight: bold; font-size: 18px; }}
QPushButton#primary:disabled {{ background: #a5c9a7; color: #eef5ee; }}
QLineEdit {{ padding: 5px; border: 1px solid #9fb3c8; border-radius: 4px; background: white; }}
QLineEdit:disabled {{ background: #eceff3; color: {GREY}; }}
QTableWidget {{ background: white; gridline-color: #e1e7ef; }}
QHeaderView::section {{ background: #e6edf5; padding: 4px; border: none; font-weight: bold; }}
"""


def label(
    text: str = "", size: int | None = 15, bold: bool = False, colour: str = "", *, name: str = ""
) -> QLabel:
    """Make a plain-text label with a pixel size, weight and colour.

    Plain text always: a label shows names, reasons and messages from outside the console, and
    as rich text `<p style=…>` or `<img src=…>` in them would restyle the screen or load files.
    With `size=None` the window's style sheet, selecting the label by `name`, sets its look.
    """
    widget = QLabel()
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(text)
    if name:
        widget.setObjectName(name)
    if size is not None:
        # The window's style sheet sets a font size on every QWidget; only a sheet overrides it.
        widget.setStyleSheet(text_style(size, bold, colour))
    return widget


def plain_tooltip(text: str) -> str:
    """Return a tooltip showing `text` as typed (Qt renders a tooltip that looks like HTML)."""
    if not text:
        return ""
    return QtGui.Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def text_style(size: int, bold: bool = False, colour: str = "") -> str:
    """Return the style sheet of a text size, weight and colour."""
    weight = "bold" if bold else "normal"
    return f"font-size: {size}px; font-weight: {weight};" + (f" color: {colour};" if colour else "")


def set_style(widget: QWidget, sheet: str) -> None:
    """Give a widget a style sheet, skipping the costly re-polish when it already has it."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def set_flag(widget: QWidget, name: str, on: bool) -> None:
    """Set a boolean property the style sheet selects on (`[error="true"]`) and re-polish."""
    value = "true" if on else "false"
    if widget.property(name) != value:
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
