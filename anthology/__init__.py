"""anthology: turn a folder of chapters by many authors into an EPUB, a print PDF and an HTML edition.

The packages read as the pipeline, each importing only from those before it:
``project`` (anthology.toml, the chapters, the Book) -> ``markup`` (Markdown to XHTML) ->
``layout`` (templates and stylesheets to documents) -> ``print`` (the one gateway to WeasyPrint)
-> ``formats`` (one module per output, behind one interface) -> ``build`` (``context`` is what a
build hands the formats; ``artifacts`` writes the outputs atomically). ``check`` runs the first
stages in a collecting mode; ``library`` writes the library kit's records; ``importers`` turn blogs
and documents into chapters; ``preview`` serves the HTML edition live; ``cli`` is the command line.
``errors``, ``text`` and ``cache`` serve every stage.
"""

__version__ = "0.1.0"
