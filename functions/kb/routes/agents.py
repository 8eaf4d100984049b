"""Writing the knowledge base, its synonyms, the helpfulness report and the search analytics (agents)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from kb import models
from kb.dependencies import service
from shared.resolver import created, current_caller, no_content

router = APIGatewayHttpRouter()
TAGS = ["Agents"]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {"description": "Agents only"},
    404: {"description": "No such article or folder"},
    409: {"description": "Conflict"},
    422: {"description": "Invalid fields"},
}


@router.post(
    "/agent/kb/folders",
    summary="Create a folder",
    tags=TAGS,
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": models.Folder}}},
        **ERRORS,
    },
)
def create_folder(body: Annotated[models.FolderIn, Body()]) -> Response[models.Folder]:
    made = service().create_folder(current_caller(router), body)
    return created(made)


@router.patch("/agent/kb/folders/<folder_id>", summary="Change a folder", tags=TAGS, responses=ERRORS)
def change_folder(folder_id: str, body: Annotated[models.FolderIn, Body()]) -> models.Folder:
    return service().change_folder(current_caller(router), folder_id, body)


@router.delete(
    "/agent/kb/folders/<folder_id>",
    summary="Delete an empty folder",
    tags=TAGS,
    responses={204: {"description": "Deleted"}, **ERRORS},
)
def delete_folder(folder_id: str) -> Response[None]:
    service().delete_folder(current_caller(router), folder_id)
    return no_content()


@router.get("/agent/kb/articles", summary="Every article, drafts included", tags=TAGS, responses=ERRORS)
def all_articles() -> models.ArticleSummaryPage:
    return models.ArticleSummaryPage(items=service().all_articles(current_caller(router)))


@router.post(
    "/agent/kb/articles",
    summary="Create an article (a draft)",
    tags=TAGS,
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": models.Article}}},
        **ERRORS,
    },
)
def create_article(body: Annotated[models.ArticleIn, Body()]) -> Response[models.Article]:
    made = service().create_article(current_caller(router), body)
    return created(made)


@router.get(
    "/agent/kb/articles/<article_id>",
    summary="An article with its Markdown, drafts too",
    tags=TAGS,
    responses=ERRORS,
)
def agent_article(article_id: str) -> models.Article:
    return service().agent_article(current_caller(router), article_id)


@router.patch(
    "/agent/kb/articles/<article_id>",
    summary="Edit, move, publish or unpublish an article",
    tags=TAGS,
    responses=ERRORS,
)
def change_article(article_id: str, body: Annotated[models.ArticleChange, Body()]) -> models.Article:
    return service().change_article(current_caller(router), article_id, body)


@router.delete(
    "/agent/kb/articles/<article_id>",
    summary="Delete an article",
    tags=TAGS,
    responses={204: {"description": "Deleted"}, **ERRORS},
)
def delete_article(article_id: str) -> Response[None]:
    service().delete_article(current_caller(router), article_id)
    return no_content()


@router.get(
    "/agent/kb/reports/least-helpful",
    summary="The least helpful articles with their comments",
    tags=TAGS,
    responses=ERRORS,
)
def least_helpful() -> models.HelpfulnessReport:
    return service().least_helpful(current_caller(router))


@router.get(
    "/agent/kb/synonyms",
    summary="The synonym groups search applies (Passwort = Kennwort)",
    tags=TAGS,
    responses=ERRORS,
)
def get_synonyms() -> models.Synonyms:
    return service().synonyms(current_caller(router))


@router.put(
    "/agent/kb/synonyms",
    summary="Replace the synonym groups; search uses them after the next index rebuild (seconds)",
    tags=TAGS,
    responses=ERRORS,
)
def put_synonyms(body: Annotated[models.SynonymsIn, Body()]) -> models.Synonyms:
    return service().put_synonyms(current_caller(router), body)


@router.get(
    "/agent/kb/search-analytics",
    summary="One ISO week's searches that found nothing and ticket subjects sent anyway, counted",
    tags=TAGS,
    responses=ERRORS,
)
def search_analytics(
    week: Annotated[
        str | None,
        Query(
            max_length=8,
            pattern=models.WEEK_PATTERN,
            description="ISO week, e.g. 2026-W48; default this week",
        ),
    ] = None,
) -> models.SearchAnalytics:
    return service().search_analytics(current_caller(router), week)
