"""CSV and XLSX downloads of any list, written row by row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

EXPORT_FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def export_response(
    *, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of ``rows`` as ``fmt`` (``csv`` streamed, ``xlsx`` built in memory)."""
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream() -> Iterable[str]:
            yield "\ufeff"  # so spreadsheet programs read UTF-8
            yield writer.writerow(headers)
            for row in rows:
                yield writer.writerow([_cell(v) for v in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_cell(v) if not hasattr(v, "quantize") else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    answer = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    answer["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return answer
