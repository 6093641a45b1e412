def read_xlsx(response) -> list[list]:
    """The rows of the first sheet of a downloaded .xlsx (header first)."""
    import io

    from python_calamine import CalamineWorkbook

    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
