"""Where the bureau's real sample documents live (read in place, never copied into the project).

EDUBUREAU_SAMPLES, else <repo>/../shared/samples, else /work/shared/samples; tests skip with the reason
when none exists.
"""

import io
import os
from pathlib import Path

import docx
import pytest

REPO = Path(__file__).resolve().parents[3]


def samples_dir() -> Path | None:
    candidates = [
        os.environ.get("EDUBUREAU_SAMPLES"),
        REPO.parent / "shared" / "samples",
        "/work/shared/samples",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def sample(name: str) -> Path:
    directory = samples_dir()
    if directory is None or not (directory / name).is_file():
        pytest.skip(
            f"样例文件 {name} 不存在：设置 EDUBUREAU_SAMPLES 指向 shared/samples 目录即可运行此测试。"
        )
    return directory / name


def bold_docx(paragraphs) -> bytes:
    """A .docx of (text, bold) paragraphs, bold set on the runs as Word does."""
    document = docx.Document()
    for text, bold in paragraphs:
        document.add_paragraph().add_run(text).bold = bold
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
