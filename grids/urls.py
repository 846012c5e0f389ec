from django.urls import path, register_converter

from grids import routes, views
from grids.ids import GridIdConverter

register_converter(GridIdConverter, "grid_id")

app_name = "grids"


def picture_routes(prefix: str, name_prefix: str, *, secret: bool) -> list:
    return [
        path(
            f"{prefix}<grid_id:public_id>{ending}",
            views.GridPictureView.as_view(secret=secret, part=part),
            name=name_prefix + name,
        )
        for ending, name, part in (
            (".png", "png", "png"),
            (".svg", "svg", "svg"),
            ("/thumbnail.png", "thumbnail", "thumbnail-png"),
            ("/card.png", "card", "card-png"),
        )
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about", views.AboutView.as_view(), name="about"),
    path("random", views.RandomGridView.as_view(), name="random"),
    path("gallery", views.GalleryView.as_view(), name="gallery"),
    path("gallery/featured", views.GalleryView.as_view(featured=True), name="featured"),
    path("open", views.OpenGridView.as_view(), name="open"),
    # oEmbed for a pasted grid link, and a grid alone for other sites' frames (grids/embeds.py).
    path(routes.OEMBED, views.OEmbedView.as_view(), name="oembed"),
    path(
        routes.EMBED + routes.SECRET_PAGE + "<grid_id:public_id>",
        views.GridEmbedView.as_view(secret=True),
        name="secret-embed",
    ),
    path(routes.EMBED + "<grid_id:public_id>", views.GridEmbedView.as_view(), name="embed"),
    path(
        routes.SECRET_PAGE + "<grid_id:public_id>",
        views.GridPageView.as_view(secret=True),
        name="secret-page",
    ),
    path(
        routes.SECRET_PAGE + "<grid_id:public_id>/report",
        views.ReportGridView.as_view(secret=True),
        name="secret-report",
    ),
    path(
        routes.SECRET_PAGE + "<grid_id:public_id>/report/sent",
        views.ReportSentView.as_view(secret=True),
        name="secret-report-sent",
    ),
    path(
        routes.SECRET_PAGE + "<grid_id:public_id>.json",
        views.GridDownloadView.as_view(secret=True, kind="json"),
        name="secret-download-json",
    ),
    path(
        routes.SECRET_PAGE + "<grid_id:public_id>.ipynb",
        views.GridDownloadView.as_view(secret=True, kind="ipynb"),
        name="secret-download-ipynb",
    ),
    path("<grid_id:public_id>.json", views.GridDownloadView.as_view(), name="download-json"),
    path(
        "<grid_id:public_id>.ipynb",
        views.GridDownloadView.as_view(kind="ipynb"),
        name="download-ipynb",
    ),
    # Last: a grid id is any short run of letters and digits, so the fixed pages above win.
    path("<grid_id:public_id>", views.GridPageView.as_view(), name="page"),
    path("<grid_id:public_id>/report", views.ReportGridView.as_view(), name="report"),
    path("<grid_id:public_id>/report/sent", views.ReportSentView.as_view(), name="report-sent"),
    # A grid's pictures (grids/rendering/picture.py); grids/caching/middleware.py serves them
    # warm from CACHED_PICTURE_ROUTES, which tests/caching/test_cached_responses.py holds to these.
    *picture_routes(routes.SECRET_PAGE, "secret-", secret=True),
    *picture_routes("", "", secret=False),
]
