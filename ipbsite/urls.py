from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("grids.api.urls")),
    path("", include("grids.urls")),
]

handler404 = "grids.api.views.page_not_found"
