"""PDF documents: a Django template rendered to PDF bytes with WeasyPrint.

WeasyPrint lays out HTML and CSS with Pango; on Debian it needs the
``libpango-1.0-0`` and ``libpangoft2-1.0-0`` packages (and a font, e.g.
``fonts-dejavu-core``). The template is ordinary HTML with its CSS in a
``<style>`` element. The renderer fetches nothing from outside: only
``data:`` URLs are followed, so a value that slipped into a document cannot
make the server call an address.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"


def data_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that follows ``data:`` URLs and refuses every other."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 67: the fetcher is a function
        from weasyprint import default_url_fetcher  # type: ignore[attr-defined]

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"URI uses disallowed protocol: {url[:40]}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols=("data",))


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document."""
    from weasyprint import HTML

    document: bytes = HTML(string=html, url_fetcher=data_only_fetcher()).write_pdf()
    return document


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """PDF bytes of ``template_name`` rendered with ``context``."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(
    template_name: str,
    context: dict[str, Any],
    *,
    filename: str,
    request: HttpRequest | None = None,
    inline: bool = False,
) -> HttpResponse:
    """A download of ``template_name`` as the PDF file ``filename``."""
    response = HttpResponse(
        render_pdf(template_name, context, request), content_type=PDF_CONTENT_TYPE
    )
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
