"""The people's names the demo draws from (Bucharest), and how a name becomes plain ASCII for
an e-mail address."""

from __future__ import annotations

import re
import unicodedata

FAMILY_NAMES = tuple(
    """
    Popescu Ionescu Dumitru Stoica Constantin Marin Tudor Ene Matei Dinu Radu Florea Barbu
    Nistor Lungu Preda Voicu Munteanu Neagu Iordache Cristea Toma Zamfir Sandu Oprea Ilie
    Enache Manole Vasile Moldovan Dobre Gheorghe Mihai Nedelcu Pavel Rusu Stan Surdu Tănase
    Vlad Anghel Bălan Ciobanu Diaconu Lazăr
    """.split()
)
GIVEN_NAMES = tuple(
    """
    Ana Maria Elena Ioana Andreea Cristina Mihaela Irina Diana Carmen Alina Gabriela Raluca
    Roxana Simona Andrei Mihai Ion Alexandru Bogdan Cristian Dan Florin Gabriel Radu Sorin
    Victor Vlad Marius Ștefan
    """.split()
)


def ascii_slug(text: str, separator: str = "-") -> str:
    """`text` in lower-case ASCII, every run of other characters one `separator`
    ("Cafeneaua Tănase" -> "cafeneaua-tanase")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", separator, plain).strip(separator)
