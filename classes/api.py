"""A class's post link, /c/<code>/post: the API's /post, filing the grid in the class.

Everything else is /post's (GridViewSet.create): validation, limits, throttles, secret grids and
the URL answered. A student whose teacher's link is wrong or whose class has ended sees only the
status line of the refusal, so its reason phrase tells them what to do.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException

from classes.codes import ClassCodeConverter
from classes.models import SchoolClass
from classes.walls import forget_cached_walls
from grids.api.schema import DETAIL_SCHEMA, POST_GRID_RESPONSES
from grids.api.serializers import GridPostSerializer
from grids.api.views import GridViewSet


class StudentReadsIt(APIException):
    # api_exception_handler keeps the detail and makes it the reason phrase.
    student_reads_it = True


class NoSuchClass(StudentReadsIt):
    status_code = status.HTTP_404_NOT_FOUND
    default_detail = "No class has this code: check the link with your teacher"
    default_code = "no_such_class"


class ClassClosed(StudentReadsIt):
    status_code = status.HTTP_410_GONE
    default_detail = "This class is closed: ask your teacher"
    default_code = "class_closed"


class_post_schema = extend_schema(
    summary="Store a grid in a class",
    tags=["classes"],
    description=(
        "`/post`, filing the grid in the class whose code its teacher gave: students set the "
        "client's `_POST_URL` to this route. The reason phrase of a 404 or 410 is the detail."
    ),
    parameters=[
        OpenApiParameter(
            "code",
            str,
            OpenApiParameter.PATH,
            description="The class code, in any case.",
            pattern=f"^{ClassCodeConverter.regex}$",
        )
    ],
    request={"application/json": GridPostSerializer},
    responses={
        **POST_GRID_RESPONSES,
        404: OpenApiResponse(DETAIL_SCHEMA, description=NoSuchClass.default_detail),
        410: OpenApiResponse(DETAIL_SCHEMA, description=ClassClosed.default_detail),
    },
)


class ClassPostViewSet(GridViewSet):
    @class_post_schema
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def fields_of_a_new_grid(self) -> dict:
        school_class = SchoolClass.objects.filter(code=self.kwargs["code"]).first()
        if school_class is None:
            raise NoSuchClass
        if school_class.is_closed:
            raise ClassClosed
        self.school_class = school_class
        return school_class.fields_of_a_new_grid()

    def grid_posted(self, grid) -> None:
        # Open walls show it at their next poll.
        forget_cached_walls([self.school_class.code])


post_to_class = ClassPostViewSet.as_view({"post": "create"})
