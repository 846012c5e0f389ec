"""The site's routes. /healthz and /readyz are not here: ipbsite.http.health.HealthCheckMiddleware
answers them ahead of the host check and the HTTPS redirect (docs/operating.md, Health checks)."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from grids import routes
from grids.admin import view_on_site

# The API's Swagger UI (docs/api.md). The split view serves the UI's init
# script as a file, so the CSP needs no inline script; its template's one inline <style> is
# allowed by its hash (tests/fuzz/test_api_schema.py fails if a new drf-spectacular changes it).
api_docs = csp_update({"style-src": ["'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    # Ahead of the admin's own "View on site": this one checks the object is the teacher's.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="admin-view-on-site",
    ),
    path("admin/", admin.site.urls),
    # Typed without its slash, /admin would be taken for a grid's id and answer 404.
    path("admin", RedirectView.as_view(pattern_name="admin:index", permanent=True)),
    # The API's OpenAPI schema: YAML, or JSON with ?format=json.
    path(routes.API + "schema", SpectacularAPIView.as_view(), name="api-schema"),
    path(routes.API + "docs", api_docs, name="api-docs"),
    path("", include("grids.api.urls")),
    path("", include("classes.urls")),
    path("", include("grids.urls")),
]

handler404 = "ipbsite.http.not_found.page_not_found"
