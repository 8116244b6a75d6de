"""The library kit: the files libraries, distributors and deposit libraries ingest.

``record`` gathers the catalogue facts from the book; ``onix``, ``marc`` and ``dublin_core`` write
them in each standard's form; ``statement`` writes the plain-language accessibility statement;
``kit`` puts the files together with checksums and a README.
"""
