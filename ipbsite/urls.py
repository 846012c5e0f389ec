"""The site's routes. /healthz and /readyz are not here: grids.health.HealthCheckMiddleware
answers them ahead of the host check and the HTTPS redirect (README, Operability)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("grids.api.urls")),
    path("", include("grids.urls")),
]

handler404 = "grids.api.views.page_not_found"
