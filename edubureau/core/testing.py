"""Helpers shared by the test suites of every app."""

import io

from python_calamine import CalamineWorkbook


def downloaded_workbook(response) -> CalamineWorkbook:
    """The .xlsx a (streaming) download response carries."""
    return CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))


def read_xlsx(response) -> list[list]:
    """The rows of the first sheet of a downloaded .xlsx (header first)."""
    return downloaded_workbook(response).get_sheet_by_index(0).to_python()
