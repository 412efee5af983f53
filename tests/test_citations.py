"""User-visible text cites the papers and the project's own docs/proofs/, never the reference
documents the project was built from (si-yun.md, khanh.md, unified-sam.md, poster-table.md,
literature.md), which are not part of it."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# a reference document by name; docs/proofs/khanh.md and the like are the project's own and allowed
REFERENCE_DOC = re.compile(r"(?<![\w/.-])(si-yun|khanh|unified-sam|poster-table|literature)\.md")
OWN_PROOFS = re.compile(r"docs/proofs/[\w.-]+\.md")


def _files():
    for folder in ("samtheory", "experiments"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_reference_document_is_cited_in_the_package_or_the_experiments():
    hits = []
    for path in _files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if REFERENCE_DOC.search(OWN_PROOFS.sub("", line)):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert hits == [], "\n".join(hits)


def test_the_pattern_catches_a_reference_citation_and_spares_the_proofs():
    def cited(line):
        return REFERENCE_DOC.search(OWN_PROOFS.sub("", line)) is not None
    assert cited('result="D1 (si-yun.md §3.3)"') and cited("(khanh.md §2.4)") and cited("see unified-sam.md")
    assert cited("literature.md §2.1") and cited("poster-table.md")
    assert not cited("proofs in ``docs/proofs/khanh.md`` §1") and not cited("docs/proofs/si-yun-derived.md §4")
    assert not cited("docs/proofs/literature.md §2 and docs/proofs/unified-sam.md")


def test_cited_proof_documents_exist():
    missing = set()
    for path in _files():
        for name in OWN_PROOFS.findall(path.read_text(encoding="utf-8")):
            if not (ROOT / name).is_file():
                missing.add(name)
    assert missing == set()


def test_no_reference_document_is_cited_in_the_committed_figure_jsons():
    """The figure JSONs carry the experiments' titles and notes: the same rule applies."""
    hits = []
    figures = ROOT / "figures"
    for path in sorted(figures.rglob("*.json")):
        if "quick" in path.relative_to(figures).parts:  # git-ignored quick runs
            continue
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        if REFERENCE_DOC.search(OWN_PROOFS.sub("", text)):
            hits.append(path.name)
    assert hits == []
