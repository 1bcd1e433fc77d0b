"""PDF rendering with WeasyPrint, without network or file access.

Pictures go in as ``data:`` URIs, so the fetcher allows only the data scheme: nothing
a student types into a reflection can make the server fetch a URL or read a file.
"""

from __future__ import annotations

import base64
from pathlib import Path

from django.template.loader import render_to_string

PDF_CSS_PATH = Path(__file__).with_name("pdf.css")


def data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher, base_url="data:,").write_pdf(
        stylesheets=[CSS(string=PDF_CSS_PATH.read_text())]
    )
