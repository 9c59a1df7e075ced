"""Name keys: how ``Report.entity(name)`` tolerates case, diacritics and transliteration.

`name_key` maps the ways people write a Kazakh or Russian name in Latin
or Cyrillic letters onto one key, so that "Bokaev", "BOKAYEV" and "Бокаев"
meet.  It is deliberately coarse: it is used to look names up, never to
decide what a text says.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["name_key"]

# Russian and Kazakh Cyrillic, in the common English-language romanisation
_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_TRANSLIT = str.maketrans(_CYRILLIC)
_NOT_ALNUM = re.compile(r"[^\w]+|_")
# spelling variants of the same sounds, applied in this order
_VARIANTS = (
    (re.compile(r"kh"), "h"),
    (re.compile(r"q"), "k"),
    (re.compile(r"zh|dzh"), "j"),
    (re.compile(r"(?<=[aeiou])y(?=e)"), ""),  # Tokayev, Tokaev
    (re.compile(r"\bye"), "e"),  # Yerlan, Erlan
    (re.compile(r"y"), "i"),
    (re.compile(r"(\w)\1+"), r"\1"),  # Kassym, Kasym; Gussarova, Gusarova
)


@functools.lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """Return the look-up key of a name.

    Examples:
        >>> name_key("Max Bokayev") == name_key("max bokaev")
        True
        >>> name_key("Bokayev") == name_key("BOKAEV") == name_key("Бокаев")
        True
        >>> name_key("Kassym-Jomart Tokayev") == name_key("Касым-Жомарт Токаев")
        True
    """
    # transliterate before decomposing: NFKD would split й into и and a breve
    latin = unicodedata.normalize("NFC", name.casefold()).translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", latin)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("’", "")
    key = " ".join(_NOT_ALNUM.sub(" ", plain).split())
    for pattern, replacement in _VARIANTS:
        key = pattern.sub(replacement, key)
    return key
