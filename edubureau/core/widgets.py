from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It accepts only ISO dates, so the value is always rendered as
    YYYY-MM-DD: the Chinese locale's 2019/09/01 would show an empty box and be saved as empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
