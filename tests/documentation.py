"""The text a reader finds: the README and the guides under docs/."""

from tests.harness import REPO


def documentation() -> str:
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    return "\n".join(page.read_text() for page in pages)
