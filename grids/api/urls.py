"""The API's routes, bound explicitly: the client's legacy routes are fixed by CONTRACT.md.

/post, /get/<id> and /get/secret/<id> are what ipythonblocks calls; /api/... is the same code
under names a new client or a script would pick.
"""

from django.urls import path

from grids import routes
from grids.api.views import GridViewSet

app_name = "api"

post_grid = GridViewSet.as_view({"post": "create"})
get_public_grid = GridViewSet.as_view({"get": "retrieve"})
get_secret_grid = GridViewSet.as_view({"get": "retrieve"}, secret=True)

urlpatterns = [
    path(routes.POST, post_grid, name="post"),
    path(routes.GET_SECRET + "<str:public_id>", get_secret_grid, name="get-secret"),
    path(routes.GET + "<str:public_id>", get_public_grid, name="get"),
    path(routes.API_GRIDS, post_grid, name="grid-create"),
    path(routes.API_GRIDS + "/<str:public_id>", get_public_grid, name="grid-detail"),
    path(routes.API_SECRET_GRIDS + "<str:public_id>", get_secret_grid, name="secret-grid-detail"),
]
