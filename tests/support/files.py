"""Real files for attachment tests, made on the spot: images that decode, PDFs that parse, and the
hostile kinds the scan must refuse."""

from __future__ import annotations

import io
from functools import cache


@cache
def png(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


@cache
def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 20)).save(out, "JPEG")
    return out.getvalue()


def _pdf(javascript: str | None = None, embedded: bool = False) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(javascript)}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if embedded:
        writer.add_attachment("rechnung.exe", b"MZ\x90\x00 not really a program")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def pdf() -> bytes:
    return _pdf()


@cache
def pdf_with_javascript() -> bytes:
    return _pdf(javascript="app.alert('x');")


@cache
def pdf_with_embedded_file() -> bytes:
    return _pdf(embedded=True)


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png_with_html_behind() -> bytes:
    return png() + b"<html><body><script>alert(1)</script></body></html>"


def png_with_trailing_bytes() -> bytes:
    return png() + b"\x00" * 32


def truncated_png() -> bytes:
    return png(64, 64)[:-40]
