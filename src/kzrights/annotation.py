"""Entity linking for any text: [`annotate`][kzrights.annotation.annotate].

``annotate`` finds the registry's entities in a text a user brings (a news
article, a court document, a tweet) with the same matcher the data build uses
on the report.  It is a pure function of its arguments and the shipped data,
and nothing on its path is unpicklable, so it can be mapped over many texts
with `multiprocessing`, Dask or Spark, and called from many threads.
"""

from __future__ import annotations

from ._locking import first_use
from .records import MentionList

__all__ = ["annotate"]


@first_use
def _import_linker() -> None:
    """Import the linker and all it imports, once per process, under the first-use lock."""
    from . import _chars, linker  # noqa: F401


def annotate(text: str, *, version: str | None = None, unambiguous_only: bool = False) -> MentionList:
    """Find the entities of the report's registry in ``text``.

    Names with a space in them match in any case ("NUR OTAN"); single words
    and acronyms only as written or in capitals, so common words ("bank",
    "ilo", "oyan") are never linked.  The longest name wins ("Article 174 of
    the Criminal Code" is one mention) and names match only as whole words.
    Cyrillic names match too, and from release 1.2.0 their Russian and
    Kazakh case forms.  A form that is not safe everywhere ("Parliament",
    "Hug", a form two entities share) is linked only on evidence in the
    text: see [`Linker`][kzrights.linker.Linker] and the linking rules in
    ``docs/data-dictionary.md``.  This is ``Linker.from_release(version).annotate``.

    Args:
        text: Any text.
        version: The data release whose registry to use (default: the newest).
        unambiguous_only: Link only the forms that are safe anywhere, none
            that needs evidence; the answer is then a subset of the default one.

    Returns:
        The mentions in order, each with ``entity_id``, ``text`` (the surface
        form), ``start`` and ``end`` offsets into ``text``, the ``form``
        matched and, for a form decided on evidence, ``resolved_by``, in a
        [`MentionList`][kzrights.records.MentionList]: a list that pickles
        compactly for process pools (for a short text, about two and a half
        times plain tuples of the same fields and half a plain list of
        mentions).  A surface form's ``text`` is one string shared by the
        mentions of every text the linker reads (up to 2,048 forms of at most
        64 characters), so a corpus's mentions take little memory and
        pickle, which writes a shared string once, sends them in fewer bytes.

    Raises:
        ArgumentTypeError: If ``text`` is not a str, or ``unambiguous_only``
            not a bool (a ``TypeError``).
        UnknownVersionError: If ``version`` is not a shipped release.
        UnsupportedReleaseError: If that release has no entity registry.

    Examples:
        >>> from kzrights import annotate
        >>> [(m.entity_id, m.text) for m in annotate("NUR OTAN met Токаев in Astana.")]
        [('entities.nur-otan', 'NUR OTAN'), ('entities.kassym-jomart-tokayev', 'Токаев')]
        >>> annotate("")
        []
    """
    _import_linker()
    from . import _chars
    from .linker import Linker

    text = _chars.plain_str(text, "text")
    if unambiguous_only is not True and unambiguous_only is not False:  # "no" would be true
        from .errors import ArgumentTypeError

        raise ArgumentTypeError("unambiguous_only", "True or False", unambiguous_only)
    return Linker.from_release(version).annotate(text, unambiguous_only=unambiguous_only)
