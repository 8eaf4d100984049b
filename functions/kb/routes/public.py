"""Reading, search, suggestions and votes: public, published articles only."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from kb import models
from kb.dependencies import service
from shared.resolver import current_caller, source_ip

router = APIGatewayHttpRouter()
TAGS = ["Knowledge base"]
ERRORS: dict[int, OpenAPIResponse] = {
    404: {"description": "No such published article or folder"},
    422: {"description": "Invalid fields"},
}


@router.get("/kb/folders", summary="Every folder with its published articles (public)", tags=TAGS)
def list_folders() -> models.FolderPage:
    return models.FolderPage(items=service().overview())


@router.get(
    "/kb/folders/<folder_id>", summary="One folder's published articles (public)", tags=TAGS, responses=ERRORS
)
def get_folder(folder_id: str) -> models.Folder:
    return service().folder(folder_id)


@router.get(
    "/kb/articles/<article_id>",
    summary="One published article; counts the view (public)",
    tags=TAGS,
    responses=ERRORS,
)
def get_article(article_id: str) -> models.Article:
    return service().article(article_id, source_ip(router))


@router.get(
    "/kb/search",
    summary="Ranked search: German/English stems and lemmas, compounds, synonyms, typos; did-you-mean (public)",
    tags=TAGS,
    responses={422: {"description": "Invalid fields, each named (an unknown folder finds nothing)"}},
)
def search(
    q: Annotated[str, Query(min_length=2, max_length=200)],
    folder_id: Annotated[str | None, Query(max_length=40)] = None,
    language: Annotated[models.Language | None, Query()] = None,
) -> models.SearchResult:
    return service().search(q, folder_id, language, source_ip(router))


@router.post(
    "/kb/suggestions",
    summary="The best five articles for a ticket form's subject and description (public)",
    tags=TAGS,
    responses={422: {"description": "Invalid fields, each named"}},
)
def suggestions(body: Annotated[models.SuggestionRequest, Body()]) -> models.SearchResult:
    return service().suggestions(body, source_ip(router))


@router.post(
    "/kb/articles/<article_id>/deflections",
    summary="'This solved my problem' (public)",
    tags=TAGS,
    responses=ERRORS,
)
def deflect(article_id: str) -> models.Deflected:
    return service().deflect(article_id, source_ip(router))


@router.post(
    "/kb/articles/<article_id>/votes",
    summary="Was this helpful? One vote per user",
    tags=TAGS,
    responses=ERRORS,
)
def vote(article_id: str, body: Annotated[models.VoteIn, Body()]) -> models.VoteResult:
    return service().vote(f"user:{current_caller(router).user_id}", article_id, body)


@router.post(
    "/kb/articles/<article_id>/anonymous-votes",
    summary="Was this helpful? One vote per anonymous token (public; limited per source address)",
    tags=TAGS,
    responses={**ERRORS, 429: {"description": "Too many anonymous votes from this address"}},
)
def anonymous_vote(article_id: str, body: Annotated[models.AnonymousVoteIn, Body()]) -> models.VoteResult:
    return service().anonymous_vote(body.anonymous_token, article_id, body, source_ip(router))
