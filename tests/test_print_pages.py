"""Print-only page touches: short running heads; profiles' page CSS."""

from __future__ import annotations

from anthology.layout.print_pages import running_head
from anthology.print_profiles import PROFILES, PrintSettings, page_css


def test_running_head_keeps_short_titles() -> None:
    assert running_head("Co-production – the Wiltshire perspective") == "Co-production – the Wiltshire perspective"


def test_running_head_cuts_at_the_first_sentence() -> None:
    assert running_head("Ruth’s story. Designing co-production in from the start – Wellbeing Teams") == "Ruth’s story"
    assert running_head("What is co-produced research? A vogue term or the opportunity for innovation?") == "What is co-produced research?"


def test_running_head_cuts_a_long_sentence_at_a_word() -> None:
    head = running_head("An extraordinarily long title without any sentence break that runs across the page")
    assert head.endswith("…") and len(head) <= 46 and " " not in head[-2:]


def test_page_css_mirrors_margins_and_adds_bleed_and_marks() -> None:
    profile = PROFILES["royal"]
    css = page_css(PrintSettings(profile, bleed=True, marks=True))
    assert "size: 156mm 234mm" in css and "marks: crop" in css and "bleed: 12mm" in css
    assert f"@page :left {{ margin-left: {profile.outer:g}mm; margin-right: {profile.inner:g}mm; }}" in css
    assert profile.inner > profile.outer
    plain = page_css(PrintSettings(profile))
    assert "marks: none" in plain and "bleed: 0mm" in plain
