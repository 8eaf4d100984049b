"""Attachments: what a file really is, the S3 keys it lives under, and the links to it.

Only JPEG, PNG and PDF up to the configured size are accepted, judged by their bytes, never by name or
declared type: the magic bytes must say the declared type, an image must decode completely (Pillow)
with nothing behind its end, a PDF must parse (pypdf) and hold no JavaScript, launch actions, embedded
files, XFA forms or rich media, and no file may carry HTML or script markup a browser could sniff.

Keys (all here, nowhere else):
- `tickets/uploads/<owner>/<attachment id>`: where a presigned POST puts a file. The slot stays
  valid for minutes, so whatever lies there may change after a scan; it is never served.
- `tickets/files/<attachment id>/<scan id>`: the bytes a scan judged clean, written by the scan
  function itself. No upload policy names this prefix, so nobody else can write there.
- `tickets/mail/<ticket id>/<attachment id>`: files of a received e-mail, judged before storing.
The file name a person gave is kept for display, with its extension made to match the judged type
(`rechnung.html` as a PNG is served as `rechnung.png`).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.ids import token_digest

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ALLOWED_TYPES = ("image/jpeg", "image/png", "application/pdf")
UPLOAD_PREFIX = "tickets/uploads/"
FILES_PREFIX = "tickets/files/"
MAIL_PREFIX = "tickets/mail/"
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_EXTENSIONS = {
    "image/jpeg": (".jpg", (".jpg", ".jpeg", ".jpe")),
    "image/png": (".png", (".png",)),
    "application/pdf": (".pdf", (".pdf",)),
}
# Markup a browser's content sniffing (or a careless viewer) could take for a page.
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|form)[\s/>]", re.I)
_PDF_DANGERS = frozenset(
    {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
_PDF_DANGEROUS_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
)
MAX_PIXELS = 50_000_000
MAX_PDF_OBJECTS = 50_000


MAX_FORM_FILES = 10  # files one anonymous form may upload (as many as one request may attach)


def anonymous_owner(upload_token: str) -> str:
    """Who owns an anonymous form's uploads: a digest of its token (the table never holds the token)."""
    return f"anon-{token_digest(upload_token)}"


def upload_key(owner_id: str, attachment_id: str) -> str:
    return f"{UPLOAD_PREFIX}{owner_id}/{attachment_id}"


def parse_upload_key(object_key: str) -> tuple[str, str] | None:
    """(owner id, attachment id) of an upload key; None for any other key."""
    if not object_key.startswith(UPLOAD_PREFIX) or object_key.count("/") != 3:
        return None
    owner_id, attachment_id = object_key[len(UPLOAD_PREFIX) :].split("/")
    return (owner_id, attachment_id) if owner_id and attachment_id else None


def file_key(attachment_id: str, scan_id: str) -> str:
    return f"{FILES_PREFIX}{attachment_id}/{scan_id}"


def mail_key(ticket_id: str, attachment_id: str) -> str:
    return f"{MAIL_PREFIX}{ticket_id}/{attachment_id}"


def is_servable(object_key: str) -> bool:
    """Only keys that hold judged bytes; an upload key can be overwritten after its scan."""
    return object_key.startswith((FILES_PREFIX, MAIL_PREFIX))


def detect(head: bytes) -> str | None:
    """The content type the first bytes say, for the three allowed kinds; None for anything else."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class Verdict:
    clean: bool
    reason: str | None = None


def judge(data: bytes, declared: str, max_bytes: int) -> Verdict:
    """Whether these bytes may be served as `declared`; the reason when not."""
    if not data:
        return Verdict(False, "empty")
    if len(data) > max_bytes:
        return Verdict(False, "too_large")
    detected = detect(data[:16])
    if detected is None:
        return Verdict(False, "type_not_allowed")
    if detected != declared:
        return Verdict(False, "type_mismatch")
    if _MARKUP.search(data):
        return Verdict(False, "markup")
    reason = _inspect_pdf(data) if detected == "application/pdf" else _inspect_image(data, detected)
    return Verdict(reason is None, reason)


def _inspect_image(data: bytes, content_type: str) -> str | None:
    from PIL import Image

    expected = "PNG" if content_type == "image/png" else "JPEG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected or image.width * image.height > MAX_PIXELS:
                    return "unreadable"
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except Exception:  # Pillow raises many kinds for broken or hostile files: all mean "not an image"
        return "unreadable"
    if content_type == "image/png" and not _png_ends_at_iend(data):
        return "trailing_data"
    return None


def _png_ends_at_iend(data: bytes) -> bool:
    """Walks the chunks: the file must end right after IEND's CRC (nothing hidden behind the image)."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position == len(data)
    return False


def _inspect_pdf(data: bytes) -> str | None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pending: list[Any] = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        while pending:
            current = pending.pop()
            if isinstance(current, IndirectObject):
                ref = (current.idnum, current.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                if len(seen) > MAX_PDF_OBJECTS:
                    return "unreadable"
                current = current.get_object()
            if isinstance(current, DictionaryObject):
                if _PDF_DANGERS & set(current.keys()):
                    return "active_content"
                action = current.get("/S")
                if isinstance(action, NameObject) and action in _PDF_DANGEROUS_ACTIONS:
                    return "active_content"
                pending.extend(v for k, v in current.items() if k != "/Parent")
            elif isinstance(current, ArrayObject):
                pending.extend(current)
    except Exception:  # pypdf raises many kinds for broken or hostile files: all mean "not a PDF"
        return "unreadable"
    return None


def filename_for(name: str, content_type: str) -> str:
    """A file name fit for a Content-Disposition header (no path, no quotes, no control characters)
    whose extension says the checked type."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r'[\x00-\x1f\x7f"\\;]', "_", base).strip().strip(".") or "anhang"
    canonical, accepted = _EXTENSIONS[content_type]
    stem, dot, extension = cleaned.rpartition(".")
    if dot and f".{extension.lower()}" in accepted:
        return cleaned[:150]
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,6}", extension):
        cleaned = stem
    return f"{cleaned[: 150 - len(canonical)]}{canonical}"


@dataclass(frozen=True)
class StoredObject:
    size: int
    data: bytes | None  # None: larger than asked for, not read


class AttachmentLinks:
    """S3 for attachments: presigned upload slots, judged bytes in and out."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def upload(
        self, object_key: str, content_type: str, max_bytes: int, seconds: int
    ) -> tuple[str, dict[str, str]]:
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=object_key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=seconds,
        )
        return str(post["url"]), {k: str(v) for k, v in post["fields"].items()}

    def read(self, object_key: str, max_bytes: int) -> StoredObject | None:
        """The object (one GET); its bytes only when it is at most `max_bytes`. None when it is gone."""
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=object_key)
        except self._s3.exceptions.NoSuchKey:
            return None
        size = int(response.get("ContentLength", 0))
        if size > max_bytes:
            response["Body"].close()
            return StoredObject(size, None)
        return StoredObject(size, bytes(response["Body"].read()))

    def exists(self, object_key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self._bucket, Key=object_key)
        except self._s3.exceptions.ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def put(self, object_key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=object_key, Body=data, ContentType=content_type)

    def delete(self, object_key: str) -> None:
        self._s3.delete_object(Bucket=self._bucket, Key=object_key)

    def delete_uploads_of(self, owner_id: str) -> int:
        """Every upload object of one owner (its key names the owner): an erasure's part."""
        deleted = 0
        pages = self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=upload_key(owner_id, "")
        )
        for page in pages:
            for item in page.get("Contents", []):
                self._s3.delete_object(Bucket=self._bucket, Key=item["Key"])
                deleted += 1
        return deleted
