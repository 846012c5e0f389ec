from django import forms

from grids.models import Report


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "details"]
        widgets = {
            "reason": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        labels = {
            "reason": "What is wrong?",
            "details": "Anything a teacher should know? (optional)",
        }
