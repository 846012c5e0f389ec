"""A class's pages: its wall (/c/<code>/), the wall's poll, and its teachers' page with the
snippet students paste and the class's download. Thin: who may see what is the models' rule
(GridQuerySet.on_wall, SchoolClassQuerySet.taught_by), what is cached is classes/walls.py's."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.safestring import mark_safe
from django.views import View

from classes.exercises import colours_of, match_with_target
from classes.models import SchoolClass
from classes.walls import WALL_CARDS_SECONDS, WallRecord, load_wall_record, wall_cards_key
from grids.models import Grid
from grids.site_url import absolute_url, client_url_constants
from grids.transfer.export import export_lines, grids_to_export
from grids.transfer.times import moment_or_day

# A wall shows at most this many grids, the newest: a class posts far fewer in a term.
WALL_MOST_GRIDS = 1000
# How often an open wall asks for news (static/classes/js/wall.js reads it from the page).
WALL_POLL_SECONDS = 3


def is_teacher_of(user, school_class_pk: int) -> bool:
    return (
        user.is_authenticated
        and SchoolClass.objects.taught_by(user).filter(pk=school_class_pk).exists()
    )


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a wall: its teachers see the class's secret grids too."""

    teacher: bool

    @property
    def name(self) -> str:
        return "teacher" if self.teacher else "public"


class WallRefused(Exception):
    """A class-only wall, and the visitor is not one of its teachers (signed in)."""


def wall_viewer(request, code: str) -> tuple[WallRecord, Viewer]:
    record = load_wall_record(code, lambda: SchoolClass.objects.filter(code=code).first())
    if record is None:
        raise Http404("No class has this code.")
    # The session is read only for a signed-in visitor (a cookie); a projector showing a
    # public wall has none, and its polls never touch the database.
    teacher = settings.SESSION_COOKIE_NAME in request.COOKIES and is_teacher_of(
        request.user, record.pk
    )
    if not record.public and not teacher:
        raise WallRefused
    return record, Viewer(teacher)


public_viewer = Viewer(teacher=False)


def posted_by(request) -> tuple[datetime | None, str]:
    """?at=10:45 (today, in DJANGO_TIME_ZONE) or ?at=<date-time>: the wall as of a deadline.
    The moment and how the cards' cache key names it. ValueError when it is neither."""
    text = request.GET.get("at", "").strip()
    if not text:
        return None, ""
    clock = parse_time(text)  # raises ValueError for 25:99
    if clock is None:
        moment = moment_or_day(text)
    else:
        moment = timezone.make_aware(datetime.combine(timezone.localdate(), clock))
    return moment, moment.isoformat()


def wall_cards(school_class: SchoolClass, viewer: Viewer, at: datetime | None) -> list[dict]:
    """Each grid the wall shows, with how much of it matches the class's target grid."""
    grids = Grid.objects.on_wall(school_class, with_secret=viewer.teacher)
    if at is not None:
        grids = grids.filter(created_at__lte=at)
    grids = grids[:WALL_MOST_GRIDS]
    target = school_class.target
    if target is None:
        return [{"grid": grid, "match": None} for grid in grids.defer("blocks", "code_cells")]
    target_colours = colours_of(target)
    return [
        {"grid": grid, "match": match_with_target(target, target_colours, grid)}
        for grid in grids.with_blocks_json().defer("code_cells")
    ]


def cards_html(request, record: WallRecord, viewer: Viewer, at, at_key: str) -> str:
    """The wall's cards, built once per change of the wall (and viewer, and ?at=)."""
    key = wall_cards_key(record, viewer.name, at_key)
    html = cache.get(key)
    if html is None:
        school_class = SchoolClass.objects.select_related("target").filter(pk=record.pk).first()
        if school_class is None:  # deleted since its record was cached
            raise Http404("No class has this code.")
        cards = wall_cards(school_class, viewer, at)
        html = render_to_string(
            "classes/wall_cards.html",
            {"cards": cards, "school_class": school_class, "at": at},
            request,
        )
        cache.set(key, html, WALL_CARDS_SECONDS)
    # Our own template's output, kept as text in the cache.
    return mark_safe(html)  # noqa: S308


def wall_etag(record: WallRecord, viewer: Viewer, at_key: str) -> str:
    return f'"{record.version}-{viewer.name}-{at_key}"'


class WallView(View):
    """The wall for the projector: the class's grids as pictures, newest first, filling in by
    themselves (static/classes/js/wall.js polls WallCardsView)."""

    def get(self, request, code):
        try:
            record, viewer = wall_viewer(request, code)
        except WallRefused:
            return refused_wall(request)
        try:
            at, at_key = posted_by(request)
        except ValueError:
            return bad_at(request)
        school_class = SchoolClass.objects.filter(pk=record.pk).first()
        if school_class is None:  # deleted since its record was cached
            raise Http404("No class has this code.")
        poll_url = reverse("classes:wall-cards", kwargs={"code": code})
        if request.GET.get("at"):
            poll_url += "?" + request.GET.urlencode()
        context = {
            "school_class": school_class,
            "cards_html": cards_html(request, record, viewer, at, at_key),
            "etag": wall_etag(record, viewer, at_key),
            "poll_url": poll_url,
            "poll_seconds": WALL_POLL_SECONDS,
            "at": at,
            "viewer": viewer,
        }
        response = render(request, "classes/wall.html", context)
        response["Cache-Control"] = WALL_CACHE_CONTROL
        return response


class WallCardsView(View):
    """An open wall's poll: 304 from the cache's wall record when nothing changed (one cache
    read), else the cards."""

    def get(self, request, code):
        try:
            record, viewer = wall_viewer(request, code)
        except WallRefused:
            raise Http404("No wall here.") from None
        try:
            at, at_key = posted_by(request)
        except ValueError:
            return HttpResponseBadRequest("?at= must be a time like 10:45 or a date-time.")
        etag = wall_etag(record, viewer, at_key)
        if etag in request.headers.get("If-None-Match", ""):
            return not_modified(etag)
        response = HttpResponse(cards_html(request, record, viewer, at, at_key))
        response["ETag"] = etag
        response["Cache-Control"] = WALL_CACHE_CONTROL
        return response


# Every poll asks: a projector must never be shown a stale wall from a cache in between.
WALL_CACHE_CONTROL = "private, no-cache"


def not_modified(etag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = WALL_CACHE_CONTROL
    return response


def refused_wall(request):
    if not request.user.is_authenticated:
        # A class-only wall is its teachers': sign in, then come back.
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    raise Http404("No wall here.")


def bad_at(request):
    return render(
        request,
        "classes/bad_at.html",
        {"at": request.GET.get("at", "")},
        status=400,
    )


def class_for_its_teacher(request, code) -> SchoolClass:
    school_class = SchoolClass.objects.taught_by(request.user).filter(code=code).first()
    if school_class is None:
        raise Http404("No class of yours has this code.")
    return school_class


class TeachersOnlyView(View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return super().dispatch(request, *args, **kwargs)


class ClassTeachView(TeachersOnlyView):
    """The class's page for its teachers: the snippet students paste, the wall, the download."""

    def get(self, request, code):
        school_class = class_for_its_teacher(request, code)
        response = render(
            request,
            "classes/teach.html",
            {
                "school_class": school_class,
                "snippet": class_snippet(school_class),
                "wall_url": absolute_url(school_class.get_absolute_url()),
                "admin_grids_url": reverse("admin:grids_grid_changelist")
                + f"?class={school_class.pk}",
                "admin_class_url": reverse(
                    "admin:classes_schoolclass_change", args=[school_class.pk]
                ),
                "grid_count": school_class.grids.count(),
            },
        )
        response["Cache-Control"] = "private, no-cache"
        return response


def class_snippet(school_class: SchoolClass) -> str:
    """What students paste before posting: the client's three URL constants, its post link
    this class's (CONTRACT.md, The URLs)."""
    constants = client_url_constants()
    constants["_POST_URL"] = absolute_url(
        reverse("classes:post", kwargs={"code": school_class.code})
    )
    return "\n".join(
        [
            "import ipythonblocks.ipythonblocks as ipb",
            *(f"ipb.{name} = '{url}'" for name, url in constants.items()),
        ]
    )


class ClassDownloadView(TeachersOnlyView):
    """The class's grids as JSON lines (export_grids --class), for the end of term."""

    def get(self, request, code):
        school_class = class_for_its_teacher(request, code)
        lines = export_lines(grids_to_export(school_class=school_class))
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
        name = f"class-{school_class.code}-{timezone.localdate().isoformat()}.jsonl"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
