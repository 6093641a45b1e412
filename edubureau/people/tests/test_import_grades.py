"""The people importer's 年级 column: numbers or the usual names, nothing else."""

import pytest

from edubureau.people.importers import parse_grade


@pytest.mark.parametrize(
    "text, grade",
    [("1", 1), ("12", 12), ("一年级", 1), ("高三", 12), ("预备", 6), ("初一", 7), ("托班", -3), ("大班", 0)],
)
def test_it_reads_grades_as_numbers_or_names(text, grade):
    assert parse_grade(text) == grade


def test_it_refuses_grade_zero_and_thirteen():
    for text in ("0", "13", "十三年级"):
        with pytest.raises(ValueError, match="不是有效的年级"):
            parse_grade(text)
