"""Moderation in the Django admin, for teachers, often on a phone.

Grids are student work, so they are read-only here: a teacher finds a grid (by id or by pasting
its URL), looks at it as the site shows it, and hides, unhides, approves or deletes it, from
the list or with the buttons on the grid's own page. Every action goes through the GridQuerySet
verbs, so the admin and the rest of the site change a grid's state the same way, and Django's
admin history records who did what.

The admin starts from Grid.objects.taught_by(user) on purpose, not from the public's
reachable(): site moderators see every grid, hidden, waiting and secret ones included, and a
teacher of her own classes (createteacher --own-classes) sees exactly her classes' grids, all
of them, and nothing else: every list, search, filter, count, action and page below starts
there.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from classes.exercises import target_match
from classes.models import SchoolClass, runs_every_class
from grids.caching.invalidation import unconfirmed
from grids.ids import grid_id_in
from grids.models import Grid, GridState, Report
from grids.views import grid_page_pieces, thumbnail_uris
from ipbsite.http.inline_styles import allow_inline_style

# The admin is the teachers' moderation room, not "Django administration".
admin.site.site_header = "ipythonblocks moderation"
admin.site.site_title = "ipythonblocks moderation"
admin.site.index_title = "Grids and reports"
# A teacher sees two lists, Grids and Reports: the sidebar listing them took a quarter of a
# 1280 px screen, and the grid list's last columns scrolled out of sight behind the filters.
admin.site.enable_nav_sidebar = False

# The buttons on a grid's own page, by the grid's state, the first one the likely choice. Any
# other verb would change nothing: unhide() touches only hidden grids, approve() only waiting ones.
MODERATION_BUTTONS = {
    GridState.PUBLISHED: [("hide", "Hide…")],
    GridState.AWAITING_APPROVAL: [("approve", "Approve"), ("hide", "Hide…")],
    GridState.HIDDEN: [("unhide", "Unhide")],
}
# The site hid it after reports, and left them open for a teacher (Grid.record_report): keeping
# it hidden, with the teacher's own reason, answers them, as unhiding does.
BUTTONS_FOR_A_GRID_THE_SITE_HID = [("hide", "Keep hidden…"), ("unhide", "Unhide")]


# Public by its link, waiting for its class's teachers before the wall (classes/).
BUTTONS_FOR_A_GRID_AWAITING_THE_WALL = [("approve", "Approve for the wall"), ("hide", "Hide…")]


def moderation_buttons_for(grid: Grid) -> list[tuple[str, str]]:
    """(verb, label) of each button a grid's page offers a moderator."""
    if grid.hidden_by_the_site:
        return BUTTONS_FOR_A_GRID_THE_SITE_HID
    if grid.state == GridState.PUBLISHED and grid.awaiting_wall:
        return BUTTONS_FOR_A_GRID_AWAITING_THE_WALL
    return MODERATION_BUTTONS[grid.state]


def python_version_as_written(version) -> str:
    """sys.version_info as the client sends it, [3, 11, 7, "final", 0], as people write it:
    3.11.7 (3.13.0rc1 for a release candidate)."""
    try:
        major, minor, micro, level, serial = version
    except (TypeError, ValueError):
        return str(version)
    levels = {"alpha": "a", "beta": "b", "candidate": "rc"}
    written = f"{major}.{minor}.{micro}"
    return written if level == "final" else f"{written}{levels.get(level, level)}{serial}"


def grid_picture(request, rendered) -> dict:
    """A grid's table as the site draws it, its size rules, allowed by the page's CSP, and the
    grid in words, its accessible name (grids/rendering/description.py)."""
    return {
        "grid_style": allow_inline_style(request, rendered.css),
        "grid_table": rendered.table,
        "grid_description": rendered.description,
    }


class HideReasonForm(forms.Form):
    REASONS = [
        "Hurtful, mean or bullying",
        "Not appropriate for school",
        "Shows someone's personal information",
        "Spam or advertising",
    ]
    OTHER = "other"  # not "": an empty value would match the form's empty initial, checked
    reason = forms.ChoiceField(
        choices=[(reason, reason) for reason in REASONS] + [(OTHER, "Other (type it below)")],
        required=False,
        widget=forms.RadioSelect,
        # No reason chosen until the teacher chooses one: a preselected one was recorded
        # whenever a teacher hid a grid without looking at the list.
    )
    other_reason = forms.CharField(max_length=300, required=False, label="Other reason")

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("reason", "")
        reason = cleaned.get("other_reason", "").strip() or ("" if chosen == self.OTHER else chosen)
        if not reason:
            raise forms.ValidationError("Pick a reason or type one.")
        cleaned["hide_reason"] = reason
        return cleaned


class ReadOnlyAdmin(admin.ModelAdmin):
    """Grids and reports come only from students and visitors, and student work is never
    edited: the admin shows them and acts on them, never adds or changes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "Open reports"), ("any", "Ever reported"), ("none", "Never reported")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_report_count__gt=0)
        if self.value() == "any":
            return queryset.filter(reports__isnull=False).distinct()
        if self.value() == "none":
            return queryset.filter(reports__isnull=True)
        return queryset


class SchoolClassFilter(admin.SimpleListFilter):
    """The classes the teacher runs, not every class: Django's own filter for a foreign key
    would list them all."""

    title = "class"
    parameter_name = "class"

    def lookups(self, request, model_admin):
        classes = SchoolClass.objects.taught_by(request.user).filter(grids__isnull=False)
        return [(str(pk), name) for pk, name in classes.distinct().values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(school_class=int(self.value()))
        return queryset


class ReportStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at=None)
        if self.value() == "resolved":
            return queryset.exclude(resolved_at=None)
        return queryset


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    # What a teacher decides on comes first: a phone shows the first few columns unscrolled.
    list_display = [
        "preview",
        "grid_link",
        "state",
        "open_reports",
        # An exercise's result is what a teacher of the class reads first (only shown where
        # one of her classes has a target grid: get_list_display).
        "target_match",
        "created_at",
        "size",
        "ipb_class",
        "secret",
        "school_class",
    ]
    list_display_links = ["preview"]
    list_filter = [
        "state",
        "awaiting_wall",
        SchoolClassFilter,
        "secret",
        ReportedFilter,
        "ipb_class",
        "created_at",
    ]
    # Exact, not "=" (iexact): ids are case-sensitive, and UPPER(public_id) = UPPER(...) can
    # use no index, so at a million grids every search read the whole table.
    search_fields = ["public_id__exact"]
    search_help_text = "Paste a grid's id or its whole URL."
    list_per_page = 50
    date_hierarchy = "created_at"
    # Delete is Django's own action, with its confirmation page; it needs delete permission.
    actions = ["hide_grids", "unhide_grids", "approve_grids", "feature_grids", "unfeature_grids"]
    readonly_fields = [
        "grid_link",
        "state",
        "hidden_at",
        "hidden_by_name",
        "hidden_reason",
        "secret",
        "school_class",
        "awaiting_wall",
        "created_at",
        "ipb_class",
        "ipb_version",
        "python_version_as_written",
        "size",
        "lines_on",
    ]
    fieldsets = [
        (None, {"fields": ["grid_link", "state"]}),
        ("Moderation", {"fields": ["hidden_at", "hidden_by_name", "hidden_reason"]}),
        (
            "Details",
            {
                "fields": [
                    "secret",
                    "school_class",
                    "awaiting_wall",
                    "created_at",
                    "ipb_class",
                    "size",
                    "lines_on",
                    "ipb_version",
                    "python_version_as_written",
                ]
            },
        ),
    ]

    class Media:
        # grids/css/admin.css is on every admin page: templates/admin/base_site.html.
        css = {"all": ["grids/css/grid.css", "grids/css/pygments.css"]}
        js = ["grids/js/grid-tooltips.js"]

    def get_queryset(self, request):
        # taught_by(), not public(): moderators see every grid of theirs, whatever its state
        # (the module's docstring). The list shows thumbnails (cached), so the big columns
        # load only when a page needs them.
        open_reports = Count("reports", filter=Q(reports__resolved_at=None))
        return (
            Grid.objects.taught_by(request.user)
            .select_related("school_class")
            .annotate(open_report_count=open_reports)
            .defer("blocks", "code_cells")
            .order_by(*self.get_ordering(request))
        )

    def get_list_display(self, request):
        # The class columns only where the teacher runs classes, and the match only where one
        # of them has a target grid: a site without classes keeps its list as it was.
        classes = SchoolClass.objects.taught_by(request.user)
        hidden = set()
        if not classes.exists():
            hidden = {"school_class", "target_match"}
        elif not classes.filter(target__isnull=False).exists():
            hidden = {"target_match"}
        return [column for column in super().get_list_display(request) if column not in hidden]

    def get_ordering(self, request):
        # Newest first, with the grids people reported (and nobody has answered yet) on top.
        return ["-open_report_count", "-created_at", "-pk"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, grid_id_in(search_term))

    def get_urls(self):
        # Before Django's own, whose "<path:object_id>/" would take these addresses too.
        def button(verb, view):
            view = self.admin_site.admin_view(require_POST(view))
            return path(f"<path:object_id>/{verb}/", view, name=f"grids_grid_{verb}")

        return [
            button("hide", self.hide_view),
            button("unhide", self.unhide_view),
            button("approve", self.approve_view),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # What a teacher decides on comes first: the grid as the site draws it, its open
        # reports and the buttons that apply, then its code and details
        # (templates/admin/grids/grid/change_form.html).
        grid = self.get_object(request, object_id)
        if grid is not None:
            pieces = grid_page_pieces(grid)
            reports = list(grid.reports.all())
            extra_context = {
                **(extra_context or {}),
                **grid_picture(request, pieces["table"]),
                "grid_code_cells": pieces["code"],
                "open_reports": [report for report in reports if report.resolved_at is None],
                "answered_reports": [report for report in reports if report.resolved_at],
                "moderation_buttons": self.buttons_on_the_grids_page(request, grid),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def buttons_on_the_grids_page(self, request, grid) -> list[dict]:
        """Those that apply to the grid's state, each with its address; none for a teacher
        who may not moderate."""
        if not self.has_moderate_permission(request):
            return []
        return [
            {"label": label, "url": self.with_list_filters(request, f"grids_grid_{verb}", grid)}
            for verb, label in moderation_buttons_for(grid)
        ]

    def hide_view(self, request, object_id):
        grid = self.grid_to_moderate(request, object_id)
        if not self.button_applies(request, grid, "hide"):
            return self.back_to_grid(request, grid)
        asking = self.ask_why_then_hide(
            request,
            Grid.objects.filter(pk=grid.pk),
            grid_page_url=self.with_list_filters(request, "grids_grid_change", grid),
        )
        return asking or self.back_to_grid(request, grid)

    def unhide_view(self, request, object_id):
        grid = self.grid_to_moderate(request, object_id)
        if self.button_applies(request, grid, "unhide"):
            self.unhide_grids(request, Grid.objects.filter(pk=grid.pk))
        return self.back_to_grid(request, grid)

    def approve_view(self, request, object_id):
        grid = self.grid_to_moderate(request, object_id)
        if self.button_applies(request, grid, "approve"):
            self.approve_grids(request, Grid.objects.filter(pk=grid.pk))
        return self.back_to_grid(request, grid)

    def grid_to_moderate(self, request, object_id) -> Grid:
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        grid = self.get_object(request, object_id)
        if grid is None:
            raise Http404("No grid with this id.")
        return grid

    def button_applies(self, request, grid, verb: str) -> bool:
        """False, and the teacher told so, when the grid's page was out of date: another
        teacher (or another tab) had already changed the grid's state."""
        if verb in dict(moderation_buttons_for(grid)):
            return True
        state = grid.get_state_display().lower()
        self.message_user(
            request, f"Nothing changed: grid {grid.public_id} is {state}.", messages.WARNING
        )
        return False

    def back_to_grid(self, request, grid):
        return redirect(self.with_list_filters(request, "grids_grid_change", grid))

    def with_list_filters(self, request, url_name: str, grid) -> str:
        """An admin URL of this grid that keeps the list's filters, so that "Close" on the
        grid's page goes back to the list the teacher came from (say, "Open reports")."""
        url = reverse(f"admin:{url_name}", args=[grid.pk])
        filters = {"opts": self.opts, "preserved_filters": self.get_preserved_filters(request)}
        return add_preserved_filters(filters, url)

    def delete_queryset(self, request, queryset):
        queryset.delete(by=request.user)

    def delete_model(self, request, obj):
        Grid.objects.filter(pk=obj.pk).delete(by=request.user)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A grid's reports go with it: deleting a grid needs no separate right over reports.
        perms_needed.discard(Report._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def has_moderate_permission(self, request):
        # A teacher of her own classes moderates their grids: get_queryset() holds her to them.
        user = request.user
        return user.has_perm("grids.moderate_grid") or user.has_perm("classes.run_own_classes")

    def has_feature_permission(self, request):
        # What the whole site lists first is the site moderators' choice alone.
        return runs_every_class(request.user)

    @admin.display(description="Grid")
    def preview(self, grid):
        # The picture is the row's link to the grid's admin page: its text is the link's name.
        return format_html(
            '<img class="grid-thumbnail" src="{}" alt="Grid {}" width="48" height="48">',
            thumbnail_uris([grid])[grid.cache_name],
            grid.public_id,
        )

    @admin.display(description="Id", ordering="public_id")
    def grid_link(self, grid):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', grid.get_absolute_url(), grid.public_id
        )

    @admin.display(description="Size")
    def size(self, grid):
        return f"{grid.width} × {grid.height}"

    @admin.display(description="Python version")
    def python_version_as_written(self, grid):
        return python_version_as_written(grid.python_version)

    @admin.display(description="Matches target")
    def target_match(self, grid):
        # Only for a grid of a class with a target grid (an exercise, classes/exercises.py).
        match = target_match(grid)
        return match.label if match else "-"

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_reports(self, grid):
        return grid.open_report_count

    @admin.display(description="Hidden by")
    def hidden_by_name(self, grid):
        if grid.hidden_by_the_site:
            return "The site, after reports"
        return grid.hidden_by or "-"

    @admin.action(description="Hide selected grids…", permissions=["moderate"])
    def hide_grids(self, request, queryset):
        return self.ask_why_then_hide(request, queryset)

    def ask_why_then_hide(self, request, queryset, *, grid_page_url: str | None = None):
        """Hide these grids once the teacher has chosen why; until then, the page that asks.

        For the list's action, or for one grid's Hide button when grid_page_url (its page) is
        given. None once the grids are hidden: the caller says where the teacher goes next.
        """
        form = HideReasonForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return self.hide_page(request, list(queryset), form, grid_page_url)
        reason = form.cleaned_data["hide_reason"]
        grids = list(queryset)
        queryset.hide(by=request.user, reason=reason)
        for grid in grids:
            self.log_change(request, grid, f"Hidden: {reason}")
        self.message_user(request, f"Hid {len(grids)} grid(s): {reason}", messages.SUCCESS)
        self.warn_if_the_cache_did_not_confirm(request, grids)
        return None

    def hide_page(self, request, grids, form, grid_page_url):
        context = {
            **self.admin_site.each_context(request),
            "title": f"Hide grid {grids[0].public_id}" if len(grids) == 1 else "Hide grids",
            "grids": grids,
            "form": form,
            "opts": self.opts,
            "media": self.media,
            "grid_page_url": grid_page_url,
            # Grids the site hid after reports: the teacher keeps them hidden, with a reason.
            "already_hidden": all(grid.state == GridState.HIDDEN for grid in grids),
            # The list's action posts back to the list, with the grids ticked there.
            "action_checkbox_name": None if grid_page_url else admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": grid_page_url or request.get_full_path(),
        }
        if len(grids) == 1:
            # The teacher sees what they are hiding, not only its id.
            context.update(grid_picture(request, grid_page_pieces(grids[0])["table"]))
        return TemplateResponse(request, "admin/grids/grid/hide_grids.html", context)

    @admin.action(description="Unhide selected grids", permissions=["moderate"])
    def unhide_grids(self, request, queryset):
        self._apply(request, queryset.filter(state=GridState.HIDDEN), "unhide", "Unhidden")

    @admin.action(description="Approve selected grids", permissions=["moderate"])
    def approve_grids(self, request, queryset):
        self._apply(request, queryset.waiting(), "approve", "Approved")

    @admin.action(description="Feature selected grids", permissions=["feature"])
    def feature_grids(self, request, queryset):
        # Only grids the public may see: a secret or withheld one would never be listed.
        self._apply(request, queryset.public().filter(featured_at=None), "feature", "Featured")

    @admin.action(description="Unfeature selected grids", permissions=["feature"])
    def unfeature_grids(self, request, queryset):
        self._apply(request, queryset.exclude(featured_at=None), "unfeature", "Unfeatured")

    def _apply(self, request, queryset, verb: str, done: str):
        grids = list(queryset)
        getattr(Grid.objects.filter(pk__in=[grid.pk for grid in grids]), verb)(by=request.user)
        for grid in grids:
            self.log_change(request, grid, done)
        self.message_user(request, f"{done} {len(grids)} grid(s).", messages.SUCCESS)
        self.warn_if_the_cache_did_not_confirm(request, grids)

    def warn_if_the_cache_did_not_confirm(self, request, grids):
        """The database has the teacher's decision, but the cache did not confirm it: pages it
        kept may be served until it answers again (grids/caching/invalidation.py)."""
        waiting = unconfirmed([grid.cache_name for grid in grids])
        if waiting:
            self.message_user(
                request,
                f"The cache is not answering, so {len(waiting)} of these grid(s) may still show "
                "for a few seconds. The site keeps trying and removes them as soon as it "
                "answers (within a minute at most).",
                messages.WARNING,
            )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "grid_link", "reason", "details", "resolved_at"]
    list_filter = [ReportStatusFilter, "reason", "created_at"]
    search_fields = ["grid__public_id__exact"]  # as GridAdmin's
    list_select_related = ["grid"]
    readonly_fields = ["grid", "reason", "details", "created_at", "resolved_at"]

    def get_queryset(self, request):
        # Reports on the grids the teacher may see (GridAdmin.get_queryset), and no others.
        return super().get_queryset(request).taught_by(request.user)

    def get_ordering(self, request):
        # Open reports first, then the newest.
        return [F("resolved_at").asc(nulls_first=True), "-created_at"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, grid_id_in(search_term))

    @admin.display(description="Grid", ordering="grid__public_id")
    def grid_link(self, report):
        url = reverse("admin:grids_grid_change", args=[report.grid_id])
        return format_html('<a href="{}">{}</a>', url, report.grid.public_id)


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" redirect (Django's contenttypes shortcut, /admin/r/<type>/<id>/)
    for an object the signed-in teacher's admin lists, and nothing else.

    The shortcut checks no permission: it would tell any staff login the address of any grid
    by its key, a secret grid's or another class's included. ipbsite/urls.py routes the admin's
    path here, ahead of the admin's own.
    """
    try:
        content_type = ContentType.objects.get(pk=int(content_type_id))
        model_admin = admin.site.get_model_admin(content_type.model_class())
        listed = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, ValidationError, ContentType.DoesNotExist, NotRegistered):
        listed = False
    if not listed:
        raise Http404("Nothing of yours here.")
    return shortcut(request, content_type_id, object_id)
