"""French formatting of amounts and numbers, for pages, PDFs, e-mails and exports."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.numberformat import format as number_format

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: before ; ! ? and inside « »
MINUS = "\u2212"


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    formatted = number_format(
        abs(number),
        decimal_sep=",",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=NBSP,
        force_grouping=True,
    )
    # The minus sign (−), not a hyphen; « −0,00 » would say nothing more than « 0,00 ».
    if number < 0 and formatted.strip("0,\u00a0"):
        return f"{MINUS}{formatted}"
    return formatted


def format_euros(value, decimals: int = 2) -> str:
    """``12500`` → ``12 500,00 €`` (non-breaking spaces)."""
    if value is None or value == "":
        return "—"
    return f"{format_number(value, decimals)}{NBSP}€"


def format_date(value) -> str:
    """``date(2011, 6, 28)`` → ``28 juin 2011``; the first of the month is « 1er décembre 2026 »."""
    if value is None:
        return "—"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"


def format_moment(value) -> str:
    """An aware or naive datetime as « 1er décembre 2026 à 14:05 », in the portal's time zone."""
    if value is None:
        return "—"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date(value.date())} à {time_format(value, 'H:i')}"


def format_size(size) -> str:
    """A file size in kilo-octets or mega-octets: « 0,4 Ko », « 18 Ko », « 2,5 Mo »."""
    if size is None or size == "":
        return "—"
    kilo = Decimal(int(size)) / 1024
    if kilo < 1000:
        return f"{format_number(max(kilo, Decimal('0.1')), 1 if kilo < 10 else 0)}{NBSP}Ko"
    mega = kilo / 1024
    return f"{format_number(mega, 1 if mega < 100 else 0)}{NBSP}Mo"


# --- Elision and contraction before a name ----------------------------------------------

VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
# Words whose h is aspirated: no elision (« de Hauts », « la Halle »).
ASPIRATED_H = {"halle", "halles", "hameau", "hangar", "haut", "haute", "hauts", "hautes", "héros"}
ARTICLES = {
    # preposition → (le, la, les, l')
    "de": ("du", "de la", "des", "de l'"),
    "à": ("au", "à la", "aux", "à l'"),
}


def _elides(word: str) -> bool:
    first = word[:1].lower()
    if first in VOWELS:
        return True
    return first == "h" and word.split(" ")[0].lower().strip(".,;:!?") not in ASPIRATED_H


def with_preposition(preposition: str, name: str) -> str:
    """« de » or « à » before a name, contracted and elided the French way.

    « Les Jardins Partagés » → « des Jardins Partagés », « Le Comptoir » → « du Comptoir »,
    « La Friche » → « de la Friche », « L'Atelier » → « de l'Atelier »,
    « Épicerie Solidaire » → « d'Épicerie Solidaire », « Amina » → « d'Amina ».
    """
    name = str(name or "").strip()
    if not name:
        return preposition
    masculine, feminine, plural, elided = ARTICLES[preposition]
    first, _, rest = name.partition(" ")
    article = first.lower()
    if rest and article == "le":
        return f"{masculine} {rest}"
    if rest and article == "la":
        return f"{feminine} {rest}"
    if rest and article == "les":
        return f"{plural} {rest}"
    for apostrophe in ("'", "’"):
        if article.startswith("l" + apostrophe) and len(name) > 2:
            return f"{elided}{name[2:]}"
    if preposition == "de" and _elides(name):
        return f"d'{name}"
    return f"{preposition} {name}"


# --- Typography of French text ------------------------------------------------------------

_BEFORE_HIGH_PUNCTUATION = re.compile(r"[ \t\u00a0\u202f]+([;!?])")
_BEFORE_COLON = re.compile(r"[ \t\u202f]+:(?=\s|$|[^\w/])")
_AFTER_OPENING_GUILLEMET = re.compile(r"«[ \t\u00a0]*")
_BEFORE_CLOSING_GUILLEMET = re.compile(r"[ \t\u00a0]*»")
_MARKS = re.compile("[;!?:«»]")


def french_spaces(text: str) -> str:
    """No-break spaces where French typography puts them, so that « : » never starts a line.

    A narrow no-break space (U+202F) before ; ! ? and inside « », a no-break
    space (U+00A0) before a colon. Only spaces already there are replaced:
    ``12:30``, ``https://`` and ``?page=2`` are left alone.
    """
    if not _MARKS.search(text):
        return text
    text = _BEFORE_HIGH_PUNCTUATION.sub(NNBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _AFTER_OPENING_GUILLEMET.sub("«" + NNBSP, text)
    text = _BEFORE_CLOSING_GUILLEMET.sub(NNBSP + "»", text)
    return text


# Elements whose content is code, or what a person typed: never retouched.
_VERBATIM = re.compile(
    r"(<!--.*?-->|<(script|style|textarea|pre|code|kbd|samp)\b.*?</\2\s*>|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)


def french_spaces_html(html: str) -> str:
    """:func:`french_spaces` on the text of an HTML page, never inside a tag.

    Attribute values (URLs, form values, ``data-*``), comments, scripts, styles,
    code and the content of text areas stay as they are.
    """
    parts = _VERBATIM.split(html)
    out = []
    # split() returns text, then the matched markup and its captured tag name, in turn.
    search = _MARKS.search
    for index in range(0, len(parts), 3):
        text = parts[index]
        out.append(french_spaces(text) if search(text) else text)
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def french_sort_key(text: str) -> tuple:
    """A key that sorts French names as a dictionary does: « Épicerie » before « Voyages »."""
    text = text or ""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    # Then accents (« eden » before « éden »), then lower case before upper case, as ICU does.
    return (bare.casefold(), text.casefold(), text.swapcase())
