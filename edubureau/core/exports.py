"""Streaming .xlsx downloads for list pages and CLI exports."""

import tempfile
from urllib.parse import quote

from django.http import FileResponse

from .spreadsheets import write_rows_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename, sheet_name, headers, rows):
    # A spooled temp file: small exports stay in memory, 160k-row ones go to disk, not RAM.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_rows_xlsx(buffer, [(sheet_name[:31], headers, rows)])
    buffer.seek(0)
    response = FileResponse(buffer, content_type=XLSX, as_attachment=True, filename=filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
