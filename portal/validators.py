"""Checks of user text that every app shares: no invisible control characters.

C0 control characters (other than tab and line breaks in multi-line text) have no place in a
title or a Markdown text. Pasted from other programs they made XML feeds fail for everyone and
mail headers invalid; a title must also stay on one line. Models name these validators on their
fields, so forms, services (`full_clean()`) and the admin refuse such input with a German
message; `printable()` strips them where old rows are written into XML.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")

CONTROL_MESSAGE = _(
    "Der Text enthält unsichtbare Steuerzeichen (z. B. aus einem anderen Programm kopiert). "
    "Bitte entfernen Sie sie und speichern Sie erneut."
)
LINE_MESSAGE = _("Bitte ohne Zeilenumbruch eingeben: ein Titel steht in einer Zeile.")

# The longest Markdown text a motion, question or answer may have (about 60 pages of text).
MAX_TEXT_LENGTH = 100_000


def validate_text(value: str) -> None:
    """Multi-line text: line breaks and tabs are fine, other control characters are not."""
    if _CONTROL.search(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def validate_single_line(value: str) -> None:
    """A title or name: one line, no control characters."""
    validate_text(value)
    if _LINE_BREAK.search(value) or "\t" in value:
        raise ValidationError(LINE_MESSAGE, code="line_break")


def printable(text: str) -> str:
    """`text` without control characters other than tab and line breaks (XML 1.0 allows no
    others)."""
    return _CONTROL.sub("", text)


# What a multi-line Markdown field of a model names as its validators.
TEXT_VALIDATORS = [validate_text, MaxLengthValidator(MAX_TEXT_LENGTH)]
