"""Use cases of the knowledge base. Customers and anonymous visitors see published articles only;
agents write. The search index is a snapshot the indexer builds after every change; each instance
loads the newest one at most every few seconds."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from aws_lambda_powertools import Logger

from kb import models
from kb.analytics import analytics_query, is_week, iso_week
from kb.index_holder import IndexHolder
from kb.mapping import to_article, to_folder, to_hit, to_summary
from kb.snapshots import FORMAT
from kb.store import ArticleRecord, FolderRecord, KbStore, SynonymsRecord
from shared.clock import Clock, iso
from shared.errors import Conflict, FieldError, Invalid, NotFound
from shared.events import DomainEvent, EventPublisher, publish_after_commit
from shared.identity import Caller
from shared.ids import new_id, token_digest
from shared.markdown import render_markdown
from shared.ratelimit import RateLimiter

if TYPE_CHECKING:
    from kb.index import SearchIndex
    from kb.settings import KbApiSettings

ANALYTICS_DAYS = 400  # search counts are kept a year and a bit, then expire (TTL)
ANALYTICS_TOP = 50


@dataclass
class KbService:
    store: KbStore
    indexes: IndexHolder
    publisher: EventPublisher
    clock: Clock
    logger: Logger
    limiter: RateLimiter
    settings: KbApiSettings

    def _first_today(self, kind: str, article_id: str, source_ip: str) -> bool:
        """Views and deflections count once per source address, article and day: a script cannot stuff
        the counters that the least-helpful report and the ranking of articles rely on."""
        now = self.clock.now()
        expires = int((now + timedelta(days=2)).timestamp())
        return self.store.first_today(kind, article_id, source_ip, now.date().isoformat(), expires)

    def _changed(self, article_id: str, change: str) -> None:
        publish_after_commit(
            self.publisher,
            [DomainEvent("KbArticleChanged", {"article_id": article_id, "change": change})],
            self.logger,
        )

    def _index(self) -> SearchIndex | None:
        index = self.indexes.get()
        if index is None and self.indexes.rebuild_due():
            publish_after_commit(
                self.publisher, [DomainEvent("KbIndexRequested", {"format": FORMAT})], self.logger
            )
        return index

    # --- reading (anyone) ------------------------------------------------------------------

    def overview(self) -> list[models.Folder]:
        folders, articles = self.store.everything()
        return [
            to_folder(f, [a for a in articles if a.folder_id == f.folder_id and a.status == "published"])
            for f in _ordered(folders)
        ]

    def folder(self, folder_id: str) -> models.Folder:
        folders, articles = self.store.everything()
        found = next((f for f in folders if f.folder_id == folder_id), None)
        if found is None:
            raise NotFound("kb.folder_not_found")
        return to_folder(found, [a for a in articles if a.folder_id == folder_id and a.status == "published"])

    def article(self, article_id: str, source_ip: str) -> models.Article:
        article = self.store.get_article(article_id)
        if article is None or article.status != "published":
            raise NotFound("kb.article_not_found")
        views = (
            self.store.count(article_id, "views")
            if self._first_today("view", article_id, source_ip)
            else None
        )
        return to_article(dataclasses.replace(article, views=views or article.views), agent=False)

    def search(
        self, query: str, folder_id: str | None, language: str | None, source_ip: str = ""
    ) -> models.SearchResult:
        index = self._index()
        hits = index.search(query, language=language, folder_id=folder_id, limit=10) if index else []
        suggestion = None
        if index is not None and not hits:
            suggestion = index.suggest(query, language=language, folder_id=folder_id)
            self._count_search("empty", query, source_ip)
        return models.SearchResult(query=query, items=[to_hit(h) for h in hits], did_you_mean=suggestion)

    def suggestions(self, request: models.SuggestionRequest, source_ip: str = "") -> models.SearchResult:
        """The ticket form's suggestions: the same search, any word may match, the subject weighs
        double. `ticket_created` marks the subject of a ticket sent although articles were offered."""
        text = f"{request.subject} {request.subject} {request.description}".strip()
        index = self._index()
        hits = index.search(text, language=request.language, limit=5, match_all=False) if index else []
        if request.ticket_created:
            self._count_search("ticket", request.subject, source_ip)
        return models.SearchResult(query=request.subject, items=[to_hit(h) for h in hits])

    def _count_search(self, kind: Literal["empty", "ticket"], query: str, source_ip: str) -> None:
        """Counts a normalised query for the agents' search analytics, once per source address, query
        and day; a query that looks like an e-mail address or a phone number is not kept at all."""
        normalised = analytics_query(query)
        if normalised is None:
            return
        if not self._first_today(f"search-{kind}", token_digest(normalised), source_ip):
            return
        now = self.clock.now()
        expires = int((now + timedelta(days=ANALYTICS_DAYS)).timestamp())
        self.store.count_search(iso_week(now.date()), kind, normalised, expires)

    def search_analytics(self, caller: Caller, week: str | None) -> models.SearchAnalytics:
        caller.require_agent()
        if week is None:
            week = iso_week(self.clock.now().date())
        elif not is_week(week):  # 2025-W53 does not exist
            raise Invalid("request.invalid", fields=[FieldError("week", "field.iso_week")])
        counts = sorted(self.store.search_counts(week), key=lambda c: (-c.count, c.query))
        return models.SearchAnalytics(
            week=week,
            no_results=[models.QueryCount(query=c.query, count=c.count) for c in counts if c.kind == "empty"][
                :ANALYTICS_TOP
            ],
            tickets=[models.QueryCount(query=c.query, count=c.count) for c in counts if c.kind == "ticket"][
                :ANALYTICS_TOP
            ],
        )

    def synonyms(self, caller: Caller) -> models.Synonyms:
        caller.require_agent()
        found = self.store.synonyms()
        if found is None:
            return models.Synonyms(groups=[])
        return models.Synonyms(groups=found.groups, updated_at=found.updated_at)

    def put_synonyms(self, caller: Caller, request: models.SynonymsIn) -> models.Synonyms:
        """Replaces the list; the indexer puts it into the next snapshot, so searches use it within
        seconds, without a deployment."""
        caller.require_agent()
        saved = SynonymsRecord(groups=request.groups, updated_at=iso(self.clock.now()))
        self.store.put_synonyms(saved)
        publish_after_commit(
            self.publisher, [DomainEvent("KbSynonymsChanged", {"groups": len(saved.groups)})], self.logger
        )
        return models.Synonyms(groups=saved.groups, updated_at=saved.updated_at)

    def deflect(self, article_id: str, source_ip: str) -> models.Deflected:
        if self._first_today("deflection", article_id, source_ip):
            count = self.store.count(article_id, "deflections")
        else:
            article = self.store.get_article(article_id)
            count = article.deflections if article is not None and article.status == "published" else None
        if count is None:
            raise NotFound("kb.article_not_found")
        return models.Deflected(deflections=count)

    def anonymous_vote(
        self, token: str, article_id: str, vote: models.VoteIn, source_ip: str
    ) -> models.VoteResult:
        """The browser picks its own token, so one source address gets a limited number of votes an hour."""
        self.limiter.check(
            "kb-vote-source",
            source_ip,
            limit=self.settings.requests_per_source_per_hour,
            window_seconds=3600,
            now=self.clock.now(),
        )
        return self.vote(f"anonymous:{token}", article_id, vote)

    def vote(self, voter: str, article_id: str, vote: models.VoteIn) -> models.VoteResult:
        comment = (vote.comment or "").strip() or None
        if vote.helpful:
            comment = None  # a comment explains what is wrong
        counted = self.store.vote(article_id, voter, vote.helpful, comment, iso(self.clock.now()))
        article = self.store.get_article(article_id)
        if article is None or article.status != "published":
            raise NotFound("kb.article_not_found")
        return models.VoteResult(
            counted=counted, helpful_yes=article.helpful_yes, helpful_no=article.helpful_no
        )

    # --- writing (agents) --------------------------------------------------------------------

    def create_folder(self, caller: Caller, request: models.FolderIn) -> models.Folder:
        caller.require_agent()
        folder = FolderRecord(
            new_id(), request.name, request.description, request.position, iso(self.clock.now())
        )
        self.store.put_folder(folder, create=True)
        return to_folder(folder, [])

    def change_folder(self, caller: Caller, folder_id: str, request: models.FolderIn) -> models.Folder:
        caller.require_agent()
        current = self.store.get_folder(folder_id)
        if current is None:
            raise NotFound("kb.folder_not_found")
        changed = dataclasses.replace(
            current, name=request.name, description=request.description, position=request.position
        )
        self.store.put_folder(changed, create=False)
        return to_folder(changed, [])

    def delete_folder(self, caller: Caller, folder_id: str) -> None:
        caller.require_agent()
        _, articles = self.store.everything()
        if any(a.folder_id == folder_id for a in articles):
            raise Conflict("kb.folder_not_empty")
        if self.store.get_folder(folder_id) is None:
            raise NotFound("kb.folder_not_found")
        self.store.delete_folder(folder_id)

    def _require_folder(self, folder_id: str) -> None:
        if self.store.get_folder(folder_id) is None:
            raise Invalid("request.invalid", fields=[FieldError("folder_id", "kb.folder_not_found")])

    def all_articles(self, caller: Caller) -> list[models.ArticleSummary]:
        caller.require_agent()
        _, articles = self.store.everything()
        return [to_summary(a) for a in sorted(articles, key=lambda a: a.updated_at, reverse=True)]

    def agent_article(self, caller: Caller, article_id: str) -> models.Article:
        caller.require_agent()
        article = self.store.get_article(article_id)
        if article is None:
            raise NotFound("kb.article_not_found")
        return to_article(article, agent=True)

    def create_article(self, caller: Caller, request: models.ArticleIn) -> models.Article:
        caller.require_agent()
        self._require_folder(request.folder_id)
        now = iso(self.clock.now())
        article = ArticleRecord(
            article_id=new_id(),
            folder_id=request.folder_id,
            title=request.title,
            body_markdown=request.body,
            body_html=render_markdown(request.body),
            language=request.language,
            status="draft",
            created_at=now,
            updated_at=now,
            tags=request.tags,
        )
        self.store.put_article(article, expected_version=None)
        self._changed(article.article_id, "created")
        return to_article(article, agent=True)

    def change_article(
        self, caller: Caller, article_id: str, request: models.ArticleChange
    ) -> models.Article:
        caller.require_agent()
        article = self.store.get_article(article_id)
        if article is None:
            raise NotFound("kb.article_not_found")
        if request.folder_id is not None and request.folder_id != article.folder_id:
            self._require_folder(request.folder_id)
        changes: dict[str, Any] = {
            k: v
            for k, v in {
                "folder_id": request.folder_id,
                "title": request.title,
                "language": request.language,
                "tags": request.tags,
                "status": request.status,
            }.items()
            if v is not None
        }
        if request.body is not None:
            changes.update(body_markdown=request.body, body_html=render_markdown(request.body))
        changed = dataclasses.replace(
            article, **changes, updated_at=iso(self.clock.now()), version=article.version + 1
        )
        self.store.put_article(changed, expected_version=article.version)
        self._changed(article_id, "updated")
        return to_article(changed, agent=True)

    def delete_article(self, caller: Caller, article_id: str) -> None:
        caller.require_agent()
        if self.store.get_article(article_id) is None:
            raise NotFound("kb.article_not_found")
        self.store.delete_article(article_id)
        self._changed(article_id, "deleted")

    def least_helpful(self, caller: Caller, limit: int = 10) -> models.HelpfulnessReport:
        caller.require_agent()
        _, articles = self.store.everything()
        voted = [a for a in articles if a.helpful_yes + a.helpful_no > 0]
        ranked = sorted(voted, key=lambda a: (a.helpful_yes / (a.helpful_yes + a.helpful_no), -a.helpful_no))[
            :limit
        ]
        return models.HelpfulnessReport(
            items=[
                models.HelpfulnessRow(
                    id=a.article_id,
                    title=a.title,
                    helpful_yes=a.helpful_yes,
                    helpful_no=a.helpful_no,
                    helpful_share=round(a.helpful_yes / (a.helpful_yes + a.helpful_no), 3),
                    comments=[v.comment for v in self.store.negative_comments(a.article_id) if v.comment],
                )
                for a in ranked
            ]
        )


def _ordered(folders: list[FolderRecord]) -> list[FolderRecord]:
    return sorted(folders, key=lambda f: (f.position, f.name.casefold()))
