"""The live preview (``anthology preview``): ``server`` builds the HTML edition into a temporary
folder, serves it on 127.0.0.1, rebuilds on every saved change and reloads the page."""
