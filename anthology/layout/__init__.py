"""Layout: Jinja templates turn the model and its markup into XHTML documents for each target.

One set of templates serves the EPUB, the PDF and the HTML edition; a target changes only the
stylesheets and a few template blocks (``target`` is 'epub', 'pdf' or 'html'). A book project's
``templates/`` folder overrides any template of the package; its ``styles/`` folder adds to the
package's stylesheets of the same name.
"""

from __future__ import annotations

from .documents import Document, Edition, Stylesheet, lay_out

__all__ = ["Document", "Edition", "Stylesheet", "lay_out"]
