"""API models of the knowledge base."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from shared.validation import InputModel, Multiline, OutputModel

Language = Literal["de", "en"]
Tags = Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=20)]


class FolderIn(InputModel):
    name: str = Field(min_length=2, max_length=100, examples=["Termine"])
    description: Annotated[str, Multiline()] = Field(default="", max_length=500)
    position: int = Field(default=100, ge=0, le=10000)


class ArticleIn(InputModel):
    folder_id: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=3, max_length=200, examples=["Termine stornieren"])
    body: Annotated[str, Multiline()] = Field(min_length=10, max_length=100_000, description="Markdown")
    language: Language = "de"
    tags: Tags = Field(default_factory=list)


class ArticleChange(InputModel):
    folder_id: str | None = Field(default=None, min_length=1, max_length=40, description="Moves the article")
    title: str | None = Field(default=None, min_length=3, max_length=200)
    body: Annotated[str | None, Multiline()] = Field(default=None, min_length=10, max_length=100_000)
    language: Language | None = None
    tags: Tags | None = None
    status: Literal["draft", "published"] | None = Field(default=None, description="Publish or unpublish")


class ArticleSummary(OutputModel):
    id: str
    folder_id: str
    title: str
    language: Language
    tags: list[str]
    status: Literal["draft", "published"]
    updated_at: str


class ArticleSummaryPage(OutputModel):
    items: list[ArticleSummary]
    next_cursor: str | None = Field(default=None, description="Always null: one page holds the whole list")


class Article(ArticleSummary):
    body_html: str = Field(description="Rendered from Markdown; raw HTML in the source is escaped")
    body_markdown: str | None = Field(default=None, description="Only for agents")
    views: int
    helpful_yes: int
    helpful_no: int


class Folder(OutputModel):
    id: str
    name: str
    description: str
    articles: list[ArticleSummary]


class FolderPage(OutputModel):
    items: list[Folder]
    next_cursor: str | None = Field(default=None, description="Always null: one page holds the whole list")


class SearchHit(OutputModel):
    id: str
    folder_id: str
    title: str
    language: Language
    snippet: str = Field(description="HTML: the text around the matches, matches in <mark>")
    score: float


class SearchResult(OutputModel):
    query: str
    items: list[SearchHit]
    did_you_mean: str | None = Field(
        default=None, description="When nothing was found: a corrected query that finds something"
    )


class SuggestionRequest(InputModel):
    subject: str = Field(min_length=1, max_length=200)
    description: Annotated[str, Multiline()] = Field(default="", max_length=20000)
    language: Language | None = None
    ticket_created: bool = Field(
        default=False,
        description="Sent by the ticket form once the ticket was submitted anyway: the subject is counted "
        "(normalised, without who sent it) among the searches that did not solve the problem",
    )


# Letters of Latin-1 (German and English words), an inner hyphen allowed: the same class in the
# schema's pattern and in the check, whatever regex engine reads it.
_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿ"
SynonymWord = Annotated[
    str,
    Field(
        min_length=2,
        max_length=40,
        pattern=f"^[{_LETTERS}]+(?:-[{_LETTERS}]+)*$",
        description="One word: letters, an inner hyphen allowed",
    ),
]
WEEK_PATTERN = r"^[1-9][0-9]{3}-W(0[1-9]|[1-4][0-9]|5[0-3])$"  # W53 only in the years that have one (checked)


def _distinct(groups: list[list[str]]) -> list[list[str]]:
    """Every word once in the whole list (compared as search compares them: case and umlauts aside),
    so no group is a no-op and no word means two things (outside probe)."""
    import unicodedata

    seen: set[str] = set()
    for group in groups:
        for word in group:
            folded = "".join(
                c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
            )
            if folded in seen:
                raise PydanticCustomError("synonym_repeated", "a word stands in the list more than once")
            seen.add(folded)
    return groups


class SynonymsIn(InputModel):
    groups: Annotated[
        list[Annotated[list[SynonymWord], Field(min_length=2, max_length=20)]], AfterValidator(_distinct)
    ] = Field(
        max_length=500,
        description="Groups of words that mean the same (e.g. Passwort, Kennwort); a query word finds "
        "the articles of every word of its group",
        examples=[[["Passwort", "Kennwort"], ["Praxis", "Ordination"]]],
    )


class Synonyms(OutputModel):
    groups: list[list[str]]
    updated_at: str | None = Field(default=None, description="Null until agents saved a list")


class QueryCount(OutputModel):
    query: str = Field(description="Lower-cased words of the query; no person or address is stored")
    count: int


class SearchAnalytics(OutputModel):
    week: str = Field(description="ISO week, e.g. 2026-W48")
    no_results: list[QueryCount] = Field(description="Searches that found nothing, most frequent first")
    tickets: list[QueryCount] = Field(
        description="Ticket subjects sent although the form had suggested articles, most frequent first"
    )


class VoteIn(InputModel):
    helpful: bool
    comment: Annotated[str | None, Multiline()] = Field(
        default=None, max_length=2000, description="What is wrong (on a 'no')"
    )


class AnonymousVoteIn(VoteIn):
    anonymous_token: str = Field(min_length=16, max_length=100, description="A random id the browser keeps")


class VoteResult(OutputModel):
    counted: bool = Field(description="False when this voter had voted on the article before")
    helpful_yes: int
    helpful_no: int


class Deflected(OutputModel):
    deflections: int


class HelpfulnessRow(OutputModel):
    id: str
    title: str
    helpful_yes: int
    helpful_no: int
    helpful_share: float
    comments: list[str]


class HelpfulnessReport(OutputModel):
    items: list[HelpfulnessRow]
