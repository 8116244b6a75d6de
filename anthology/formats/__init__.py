"""Formats: what the build makes from the laid-out book, one module per output format.

``registry`` holds the interface (``Format``: name, what it is, the file it writes, what it needs
from the build, how it makes its Artifact from the ``BuildContext``) and finds every module of this
package that defines a ``FORMAT``: ``epub``, ``pdf``, ``html``, ``booklet`` (imposition), ``kepub``
(Kobo) and ``library`` (the library kit). The build, the CLI's ``--format`` and the README's table
read the registry; adding a format is adding a module here. Each format returns Artifacts held in
memory; nothing is written until every requested output has been made (see ``anthology.build``).
The print formats lay out the print edition through ``anthology.print``.
"""
