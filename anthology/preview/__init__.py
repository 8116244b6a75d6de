"""The live preview: ``server`` serves the HTML edition and rebuilds it on every saved change."""
