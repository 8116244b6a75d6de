"""The print engine: the one gateway to WeasyPrint, for the PDF, the booklet, the library kit's
archival PDF and the EPUB's print page numbers.

- ``profiles``: trim sizes, margins and type sizes, the typed ``[print]`` table, ``page_css``.
- ``notes``, ``running_heads``: what print alone does to the laid-out edition (notes moved to their
  calls, short running heads, names kept whole); figures and their captions are the markup's, the
  same in every edition.
- ``engine``: the print edition (``print_edition``), its layout as one document and the PDF
  writer (tagged, TrimBox and BleedBox, page labels, reproducible bytes).
- ``output``: the print edition through the build cache, laid out in chunks or whole.
- ``chunks`` (what each chunk holds and is told), ``chunk_layout`` (one chunk laid out in a
  worker), ``chunk_runner`` (the workers and the chunk cache), ``join`` (the chunks' PDFs joined).
- ``pagemap``: where each print page starts, for the EPUB's page list.
- ``metadata``: the PDF's title, author, subject and language (document information and XMP).
- ``static_fonts`` (variable fonts embedded from static instances), ``fetcher`` (the only way
  WeasyPrint reads a file), ``call_stack`` (stack room for WeasyPrint's recursion).
- ``patches``: every change made to WeasyPrint and pydyf, each with its fallback.
"""
