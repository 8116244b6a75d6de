"""Backends package what layout produced into output files: EPUB, PDF and the HTML edition.

Each backend returns Artifacts held in memory; nothing is written until every requested output has
been made (see ``anthology.build``).
"""
