"""The documentation cites only files a reader has: every relative link in docs/ and the README
resolves inside the repository, and no page points at the design folder, which is not shipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
DESIGN_FILES = ("MODEL.md", "DATA.md", "FACTS.md", "PRODUCT.md", "STYLE.md")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves_in_the_repository(page: Path):
    text = page.read_text(encoding="utf-8")
    missing = [
        target
        for target in LINK.findall(text)
        if "://" not in target
        and not target.startswith("mailto:")
        and not (page.parent / target).resolve().exists()
    ]
    assert not missing, f"{page.name} links to files not in the repository: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_cites_the_design_folder(page: Path):
    text = page.read_text(encoding="utf-8")
    cited = [name for name in DESIGN_FILES if name in text]
    assert not cited, f"{page.name} cites {cited}, which are not in the repository"
