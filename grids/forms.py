from django import forms

from grids.models import Report


class ReportForm(forms.ModelForm):
    # Declared, not derived from the model field: Django would add a blank "---------" choice,
    # checked by default, so the obvious first submit failed. Now nothing is chosen until the
    # visitor chooses.
    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        label="What is wrong?",
        error_messages={"required": "Choose what is wrong with this grid."},
    )

    class Meta:
        model = Report
        fields = ["reason", "details"]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        labels = {
            "details": "Anything a teacher should know? (optional)",
        }
