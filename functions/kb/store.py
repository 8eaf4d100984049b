"""DynamoDB access of the knowledge base: the only module that builds its keys.

  KB               FOLDER#<id>        a folder (category)
  KB               ARTICLE#<id>       an article (Markdown and its rendered HTML), counters
  VOTE#<article>   <sha256(voter)>    one vote per user or anonymous token, with the comment
  ONCE#<kind>#<id>  <day>#<sha256(source)>  a view or deflection of an article, or a search counted
                                      (id: sha256 of the query), once per source address and day; TTL
  INDEX            CURRENT#<format>   which search-index snapshot in S3 is current
  SYNONYMS         CURRENT            the agents' synonym groups (the indexer puts them in the snapshot)
  SEARCHES#<week>  <kind>#<query>     how often a normalised query found nothing (`empty`) or was the
                                      subject of a ticket sent anyway (`ticket`) in an ISO week; no
                                      person, no address; TTL
Folders and articles share one partition: the overview is one Query.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from kb.snapshots import FORMAT
from shared.dynamo import (
    batch_get_all,
    cancellation_reasons,
    conditional_put,
    from_item,
    is_conditional_failure,
    key,
    put_new,
    put_new_part,
    query_all,
    record,
    to_item,
)
from shared.errors import Conflict, NotFound
from shared.ids import token_digest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class FolderRecord:
    folder_id: str
    name: str
    description: str
    position: int
    created_at: str


@dataclass(frozen=True)
class ArticleRecord:
    article_id: str
    folder_id: str
    title: str
    body_markdown: str
    body_html: str
    language: Literal["de", "en"]
    status: Literal["draft", "published"]
    created_at: str
    updated_at: str
    tags: list[str] = field(default_factory=list)
    views: int = 0
    helpful_yes: int = 0
    helpful_no: int = 0
    deflections: int = 0
    version: int = 1


@dataclass(frozen=True)
class SynonymsRecord:
    groups: list[list[str]]
    updated_at: str


@dataclass(frozen=True)
class SearchCount:
    kind: Literal["empty", "ticket"]
    query: str
    count: int


@dataclass(frozen=True)
class VoteRecord:
    article_id: str
    helpful: bool
    comment: str | None
    at: str


_LIST_ATTRIBUTES = (
    "SK",
    "folder_id",
    "article_id",
    "title",
    "name",
    "description",
    "position",
    "language",
    "status",
    "created_at",
    "updated_at",
    "tags",
    "views",
    "helpful_yes",
    "helpful_no",
    "deflections",
    "version",
)


class KbStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def everything(self, with_bodies: bool = False) -> tuple[list[FolderRecord], list[ArticleRecord]]:
        """Folders and articles: one Query of the KB partition (bodies only when asked for)."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :p",
            "ExpressionAttributeValues": {":p": {"S": "KB"}},
        }
        if not with_bodies:  # every name through a placeholder: several (views, name, status) are reserved
            request["ProjectionExpression"] = ", ".join(f"#a{i}" for i in range(len(_LIST_ATTRIBUTES)))
            request["ExpressionAttributeNames"] = {f"#a{i}": n for i, n in enumerate(_LIST_ATTRIBUTES)}
        items = query_all(self._db, **request)
        folders = [record(FolderRecord, i) for i in items if i["SK"].startswith("FOLDER#")]
        articles = [
            record(ArticleRecord, {"body_markdown": "", "body_html": "", **i})
            for i in items
            if i["SK"].startswith("ARTICLE#")
        ]
        return folders, articles

    def put_folder(self, folder: FolderRecord, *, create: bool) -> None:
        item = {**key("KB", f"FOLDER#{folder.folder_id}"), **to_item(dataclasses.asdict(folder))}
        condition = "attribute_not_exists(PK)" if create else "attribute_exists(PK)"
        if not conditional_put(self._db, self._table, item, condition):
            raise NotFound("kb.folder_not_found")

    def get_folder(self, folder_id: str) -> FolderRecord | None:
        item = self._db.get_item(TableName=self._table, Key=key("KB", f"FOLDER#{folder_id}")).get("Item")
        return record(FolderRecord, from_item(item)) if item else None

    def delete_folder(self, folder_id: str) -> None:
        self._db.delete_item(TableName=self._table, Key=key("KB", f"FOLDER#{folder_id}"))

    def get_article(self, article_id: str) -> ArticleRecord | None:
        item = self._db.get_item(
            TableName=self._table, Key=key("KB", f"ARTICLE#{article_id}"), ConsistentRead=True
        ).get("Item")
        return record(ArticleRecord, from_item(item)) if item else None

    def put_article(self, article: ArticleRecord, expected_version: int | None) -> None:
        condition = "attribute_not_exists(PK)" if expected_version is None else "version = :v"
        values = (
            {}
            if expected_version is None
            else {"ExpressionAttributeValues": to_item({":v": expected_version})}
        )
        try:
            self._db.put_item(
                TableName=self._table,
                Item={**key("KB", f"ARTICLE#{article.article_id}"), **to_item(dataclasses.asdict(article))},
                ConditionExpression=condition,
                **values,  # type: ignore[arg-type]
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise Conflict("request.conflict_retry") from None
            raise

    def delete_article(self, article_id: str) -> None:
        self._db.delete_item(TableName=self._table, Key=key("KB", f"ARTICLE#{article_id}"))

    def count(self, article_id: str, counter: Literal["views", "deflections"]) -> int | None:
        """Adds one and returns the new value; None when there is no published article."""
        try:
            response = self._db.update_item(
                TableName=self._table,
                Key=key("KB", f"ARTICLE#{article_id}"),
                UpdateExpression="ADD #c :one",
                ConditionExpression="attribute_exists(PK) AND #s = :published",
                ExpressionAttributeNames={"#s": "status", "#c": counter},
                ExpressionAttributeValues=to_item({":one": 1, ":published": "published"}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return None
            raise
        return int(from_item(response["Attributes"])[counter])

    def first_today(self, kind: str, article_id: str, source: str, day: str, expires_epoch: int) -> bool:
        """Marks that `source` (hashed) did `kind` on the article today; False when it had already."""
        return put_new(
            self._db,
            self._table,
            {
                **key(f"ONCE#{kind}#{article_id}", f"{day}#{token_digest(source)}"),
                **to_item({"expires_at": expires_epoch}),
            },
        )

    def vote(self, article_id: str, voter: str, helpful: bool, comment: str | None, at: str) -> bool:
        """One vote per voter and article, counted in the same transaction; False for a second vote."""
        try:
            self._db.transact_write_items(
                TransactItems=[
                    put_new_part(
                        self._table,
                        {
                            **key(f"VOTE#{article_id}", token_digest(voter)),
                            **to_item(
                                {"article_id": article_id, "helpful": helpful, "comment": comment, "at": at}
                            ),
                        },
                    ),
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": key("KB", f"ARTICLE#{article_id}"),
                            "UpdateExpression": f"ADD {'helpful_yes' if helpful else 'helpful_no'} :one",
                            "ConditionExpression": "attribute_exists(PK) AND #s = :published",
                            "ExpressionAttributeNames": {"#s": "status"},
                            "ExpressionAttributeValues": to_item({":one": 1, ":published": "published"}),
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise NotFound("kb.article_not_found") from None  # unpublished: whoever voted before
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            if reasons:
                raise NotFound("kb.article_not_found") from None
            raise
        return True

    def negative_comments(self, article_id: str) -> list[VoteRecord]:
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p",
            FilterExpression="helpful = :no AND attribute_exists(#c)",
            ExpressionAttributeNames={"#c": "comment"},
            ExpressionAttributeValues=to_item({":p": f"VOTE#{article_id}", ":no": False}),
        )
        return [record(VoteRecord, i) for i in items]

    def current_index(self) -> tuple[str, str] | None:
        """The newest snapshot of the index format this code reads (older formats are ignored)."""
        item = self._db.get_item(TableName=self._table, Key=key("INDEX", f"CURRENT#{FORMAT}")).get("Item")
        if not item:
            return None
        values = from_item(item)
        return str(values["version"]), str(values["object_key"])

    def set_current_index(self, version: str, object_key: str, articles: int) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={
                **key("INDEX", f"CURRENT#{FORMAT}"),
                **to_item({"version": version, "object_key": object_key, "articles": articles}),
            },
        )

    # --- a person's votes (export, erasure) ------------------------------------------------------

    def votes_of(self, voter: str, article_ids: list[str]) -> list[VoteRecord]:
        """A voter's votes on these articles: their keys are known (article, digest of the voter), so
        one BatchGetItem per 100 articles finds them without an index."""
        digest = token_digest(voter)
        found: list[VoteRecord] = []
        for start in range(0, len(article_ids), 100):
            keys = [key(f"VOTE#{a}", digest) for a in article_ids[start : start + 100]]
            found += [record(VoteRecord, v) for v in batch_get_all(self._db, self._table, keys)]
        return found

    def forget_vote(self, article_id: str, voter: str) -> None:
        """The vote's item (and its comment) goes; the article's counters keep the vote as a number."""
        self._db.delete_item(TableName=self._table, Key=key(f"VOTE#{article_id}", token_digest(voter)))

    def synonyms(self) -> SynonymsRecord | None:
        item = self._db.get_item(TableName=self._table, Key=key("SYNONYMS", "CURRENT")).get("Item")
        return record(SynonymsRecord, from_item(item)) if item else None

    def put_synonyms(self, synonyms: SynonymsRecord) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={**key("SYNONYMS", "CURRENT"), **to_item(dataclasses.asdict(synonyms))},
        )

    def count_search(
        self, week: str, kind: Literal["empty", "ticket"], query: str, expires_epoch: int
    ) -> None:
        self._db.update_item(
            TableName=self._table,
            Key=key(f"SEARCHES#{week}", f"{kind}#{query}"),
            UpdateExpression="ADD #c :one SET #k = :kind, #q = :query, expires_at = :expires",
            ExpressionAttributeNames={"#c": "count", "#k": "kind", "#q": "query"},
            ExpressionAttributeValues=to_item(
                {":one": 1, ":kind": kind, ":query": query, ":expires": expires_epoch}
            ),
        )

    def search_counts(self, week: str) -> list[SearchCount]:
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues=to_item({":p": f"SEARCHES#{week}"}),
        )
        return [record(SearchCount, i) for i in items]
