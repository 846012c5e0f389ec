from django.urls import path, register_converter

from classes import views
from classes.api import post_to_class
from classes.codes import ClassCodeConverter
from grids import routes

register_converter(ClassCodeConverter, "class_code")

app_name = "classes"

urlpatterns = [
    # The client's post link for the class: the API's, like /post (grids/routes.py).
    path(routes.CLASS + "<class_code:code>" + routes.CLASS_POST, post_to_class, name="post"),
    path(routes.CLASS + "<class_code:code>/", views.WallView.as_view(), name="wall"),
    path(
        routes.CLASS + "<class_code:code>/cards", views.WallCardsView.as_view(), name="wall-cards"
    ),
    path(routes.CLASS + "<class_code:code>/teach", views.ClassTeachView.as_view(), name="teach"),
    path(
        routes.CLASS + "<class_code:code>/grids.jsonl",
        views.ClassDownloadView.as_view(),
        name="download",
    ),
]
