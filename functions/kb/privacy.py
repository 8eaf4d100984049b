"""The knowledge base's part of a person's export and erasure (shared.privacy, docs/privacy.md): the
person's helpful votes, with their comments. Erasure deletes each vote's item with its comment; the
article's counters keep the vote as a number, without anyone's identity."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import Field

from kb.store import KbStore
from shared import aws
from shared.privacy import ExportParts, PrivacyRequest
from shared.settings import FunctionSettings, load


class PrivacySettings(FunctionSettings):
    exports_bucket: str = Field(min_length=1, description="Privacy exports: where this part goes")


@cache
def exports() -> ExportParts:
    return ExportParts(aws.s3(), load(PrivacySettings).exports_bucket)


def _voter(request: PrivacyRequest) -> str | None:
    return f"user:{request.user_id}" if request.user_id else None  # anonymous votes name no one


def export_part(store: KbStore, request: PrivacyRequest) -> dict[str, Any]:
    voter = _voter(request)
    if voter is None:
        return {"votes": []}
    _, articles = store.everything()
    titles = {a.article_id: a.title for a in articles}
    votes = store.votes_of(voter, list(titles))
    return {
        "votes": [
            {"article": titles.get(v.article_id), "helpful": v.helpful, "comment": v.comment, "at": v.at}
            for v in sorted(votes, key=lambda v: v.at)
        ]
    }


def erase(store: KbStore, request: PrivacyRequest) -> int:
    voter = _voter(request)
    if voter is None:
        return 0
    _, articles = store.everything()
    votes = store.votes_of(voter, [a.article_id for a in articles])
    for vote in votes:
        store.forget_vote(vote.article_id, voter)
    return len(votes)
