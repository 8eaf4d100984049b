"""Records to the API's models: what customers, visitors and agents see of the knowledge base."""

from __future__ import annotations

from typing import Any

from kb import models
from kb.store import ArticleRecord, FolderRecord


def to_summary(article: ArticleRecord) -> models.ArticleSummary:
    return models.ArticleSummary(
        id=article.article_id,
        folder_id=article.folder_id,
        title=article.title,
        language=article.language,
        tags=article.tags,
        status=article.status,
        updated_at=article.updated_at,
    )


def to_article(article: ArticleRecord, *, agent: bool) -> models.Article:
    return models.Article(
        **to_summary(article).model_dump(),
        body_html=article.body_html,
        body_markdown=article.body_markdown if agent else None,
        views=article.views,
        helpful_yes=article.helpful_yes,
        helpful_no=article.helpful_no,
    )


def to_folder(folder: FolderRecord, articles: list[ArticleRecord]) -> models.Folder:
    return models.Folder(
        id=folder.folder_id,
        name=folder.name,
        description=folder.description,
        articles=[to_summary(a) for a in sorted(articles, key=lambda a: a.title.casefold())],
    )


def to_hit(hit: Any) -> models.SearchHit:
    return models.SearchHit(
        id=hit.article_id,
        folder_id=hit.folder_id,
        title=hit.title,
        language=hit.language,
        snippet=hit.snippet,
        score=round(hit.score, 4),
    )
