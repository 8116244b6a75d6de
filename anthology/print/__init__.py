"""The print engine: the one gateway to WeasyPrint, for the PDF, the booklet and the EPUB's page list.
"""
