"""Markup: each chapter's Markdown becomes well-formed XHTML, once, for every output.

``render`` does the conversion (notes, images and links to other chapters collected as records);
``repair`` fits pasted HTML to the XHTML content models; ``images`` checks what an image file holds;
``cache`` keeps renderings for the next build; ``workers`` renders chapters in a pool of processes.
"""
