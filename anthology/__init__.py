"""anthology: turn a folder of chapters by many authors into an EPUB, a print PDF and an HTML edition."""

__version__ = "0.1.0"
