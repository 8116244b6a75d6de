"""Layout: Jinja templates turn the model and its markup into XHTML documents for each target.

One set of templates serves the EPUB, the PDF and the HTML edition; a target changes only the
stylesheets and a few template blocks (``target`` is 'epub', 'pdf' or 'html'). A book project's
``templates/`` folder overrides any template of the package; its ``styles/`` folder adds to the
package's stylesheets of the same name.

``documents`` lays the book out (``lay_out`` gives an ``Edition``: its documents, stylesheets and
assets); ``outline`` is what the contents and the navigation list (change the contents page there
and in ``templates/contents.html``, ``contents-entry.html`` and ``styles/``); ``xrefs`` resolves the
links between chapters; ``templates/`` and ``styles/`` are the package's own; ``dates`` writes dates
in the book's language. Beside them, what several formats share: ``cover`` (the cover image, or a
typographic one), ``fonts`` (the packaged fonts), ``accessibility`` (what the book may claim) and
``stamp`` (the build date). What only print does to the laid-out pages is in ``anthology.print``.
"""

from __future__ import annotations

from .documents import Document, Edition, Stylesheet, lay_out

__all__ = ["Document", "Edition", "Stylesheet", "lay_out"]
