"""Classes in the admin: a teacher creates and runs her classes here, and sees only her own
(SchoolClassQuerySet.taught_by); site moderators see every class."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from classes.models import SchoolClass, runs_every_class
from classes.walls import forget_cached_walls
from grids.ids import grid_id_in
from grids.models import Grid


class SchoolClassForm(forms.ModelForm):
    # A grid's id or pasted link, rather than a list of every grid to pick from.
    target_grid = forms.CharField(
        required=False,
        label="Target grid",
        help_text="An exercise: paste the id or link of the grid the class should make. Each "
        "grid of its shape then shows how many of its blocks match.",
    )

    class Meta:
        model = SchoolClass
        fields = ["name", "teachers", "moderation", "public", "closes_at"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Teachers are staff accounts; nobody else needs to appear in the list.
        self.fields["teachers"].queryset = get_user_model().objects.filter(is_staff=True)
        if self.instance.target_id:
            self.initial["target_grid"] = self.instance.target.public_id

    def clean_target_grid(self):
        typed = self.cleaned_data["target_grid"].strip()
        if not typed:
            return None
        public_id = grid_id_in(typed)
        # Any grid the public may open, or one this teacher may see in the admin.
        grids = Grid.objects.reachable(secret=False) | Grid.objects.taught_by(self.user)
        target = grids.filter(public_id=public_id).order_by("secret").first()
        if target is None:
            raise forms.ValidationError(f"No grid {public_id!r} that you may use.")
        return target

    def save(self, commit=True):
        self.instance.target = self.cleaned_data["target_grid"]
        return super().save(commit)


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    form = SchoolClassForm
    list_display = ["name", "code", "moderation", "public", "closes_at", "grid_count", "links"]
    search_fields = ["name"]
    readonly_fields = ["code", "links"]
    fieldsets = [
        (None, {"fields": ["name", "code", "links", "teachers"]}),
        ("Lessons", {"fields": ["moderation", "public", "target_grid", "closes_at"]}),
    ]
    actions = ["close_classes", "delete_grids_of_classes"]

    def get_queryset(self, request):
        return SchoolClass.objects.taught_by(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class FormForThisTeacher(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, user=request.user, **kwargs)

        return FormForThisTeacher

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not runs_every_class(request.user):
            # A teacher of her own classes always teaches the classes she creates or changes:
            # otherwise the class would vanish from her list as she saved it.
            form.instance.teachers.add(request.user)

    def delete_model(self, request, obj):
        self.delete_queryset(request, SchoolClass.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # Its grids stay (their links work, as the class left them listed or not); its wall
        # goes at once from every open projector.
        codes = list(queryset.values_list("code", flat=True))
        queryset.delete()
        forget_cached_walls(codes)

    @admin.display(description="Grids")
    def grid_count(self, school_class):
        return school_class.grids.count()

    @admin.display(description="Pages")
    def links(self, school_class):
        if school_class.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Class page and snippet</a> · <a href="{}">Wall</a>',
            reverse("classes:teach", kwargs={"code": school_class.code}),
            school_class.get_absolute_url(),
        )

    @admin.action(description="Close selected classes now", permissions=["change"])
    def close_classes(self, request, queryset):
        for school_class in queryset:
            school_class.close()
            self.log_change(request, school_class, "Closed")
        self.message_user(
            request,
            f"Closed {len(queryset)} class(es): their links refuse new grids; walls and grids "
            "stay.",
            messages.SUCCESS,
        )

    @admin.action(description="Delete the grids of selected classes…", permissions=["delete"])
    def delete_grids_of_classes(self, request, queryset):
        classes = list(queryset)
        grids = Grid.objects.filter(school_class__in=classes)
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Delete the grids of these classes?",
                "classes": classes,
                "grid_count": grids.count(),
                "opts": self.opts,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/classes/schoolclass/delete_grids.html", context)
        count = grids.count()
        grids.delete(by=request.user)
        for school_class in classes:
            self.log_change(request, school_class, "Deleted its grids")
        self.message_user(request, f"Deleted {count} grid(s).", messages.SUCCESS)
        return None
