"""The project: what the book's folder says, read and validated before anything is made.

``config`` reads ``anthology.toml`` (every key declared once, in ``settings``-style field lists of
``schema``); ``sources`` reads the chapters and the editors' texts; ``model`` builds the Book from
both. ``safety`` decides which files a build may read; ``scaffold`` starts a book and adds chapters.
"""
