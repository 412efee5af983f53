"""Guide pages made of README sections, with the README's links rewritten for the site.

A guide page (docs/guides/*.md) names the README slices it shows with a marker line::

    <!-- readme: "## Python API" .. "## Your own objective" -->

which the ``source-read`` hook replaces by the README's lines from the first heading (included) up
to the second (excluded; without ``.. "..."``: to the end). The README stays the single source of
these guides. Its links are written for GitHub, relative to the repository root; on the site:

* ``#anchor`` links go to the guide page that holds that heading;
* ``docs/NAME.md`` links go to the site's page for that file;
* images under ``figures/`` keep pointing at the repository's figures;
* links to folders (``docs/proofs/``, ``figures/explorer/``) keep their text, without a link.
"""
from __future__ import annotations

import re
from pathlib import Path

MARKER = re.compile(r'^<!-- readme: "(?P<start>[^"]+)"(?: \.\. "(?P<end>[^"]+)")? -->$', re.M)
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def slug(heading: str) -> str:
    """The anchor MyST (and GitHub) give a heading: lower case, punctuation dropped, spaces to '-'."""
    text = heading.lstrip("#").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _slice(lines: list[str], start: str, end: str | None) -> list[str]:
    try:
        first = lines.index(start)
    except ValueError:
        raise ValueError(f"README has no heading line {start!r}") from None
    if end is None:
        return lines[first:]
    try:
        last = lines.index(end, first + 1)
    except ValueError:
        raise ValueError(f"README has no heading line {end!r} after {start!r}") from None
    return lines[first:last]


def _anchors(guides: Path, readme: list[str]) -> dict[str, str]:
    """README heading anchor -> the guide page (file stem) that shows it."""
    where = {}
    for page in sorted(guides.glob("*.md")):
        for m in MARKER.finditer(page.read_text()):
            for line in _slice(readme, m["start"], m["end"]):
                if line.startswith("#"):
                    where.setdefault(slug(line), page.stem)
    return where


def _rewrite(text: str, page: str, anchors: dict[str, str]) -> str:
    def link(m):
        bang, label, target = m["bang"], m["text"], m["target"]
        if target.startswith(("http://", "https://", "mailto:")):
            return m.group(0)
        if target.startswith("#"):
            home = anchors.get(target[1:])
            if home is None:
                raise ValueError(f"README link {target!r} points at no heading shown on the site")
            return m.group(0) if home == page else f"[{label}]({home}.md{target})"
        if bang:  # images: from the repository root
            return f"![{label}](../../{target})"
        if target.startswith("docs/") and target.endswith(".md"):
            return f"[{label}](../{target[len('docs/'):]})"
        return label  # a folder or a source file: keep the words, drop the link
    return LINK.sub(link, text)


def include_readme(app, docname: str, source: list[str]) -> None:
    """``source-read`` hook: expand the README markers of the guide pages."""
    if not docname.startswith("guides/") or "<!-- readme:" not in source[0]:
        return
    srcdir = Path(app.srcdir)
    readme = (srcdir.parent / "README.md").read_text().splitlines()
    anchors = _anchors(srcdir / "guides", readme)
    page = docname.split("/", 1)[1]

    def expand(m):
        return _rewrite("\n".join(_slice(readme, m["start"], m["end"])), page, anchors)
    source[0] = MARKER.sub(expand, source[0])
