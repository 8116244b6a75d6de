"""The project: what the book's folder says, read and validated before anything is made.

``config`` reads ``anthology.toml`` (each table declared once, as a dataclass built with
``schema.key``; ``schema`` validates mappings and reports every problem at once); ``sources`` reads
the chapters and the editors' texts; ``model`` builds the Book from both. ``isbns``, ``licenses``
and ``direction`` read ISBNs, SPDX licence ids and language tags; ``safety`` decides which files a
build may read; ``scaffold`` starts a book and adds chapters (``anthology new``, ``anthology add``).
"""
