"""createclass, createteacher --own-classes and export_grids --class, as an operator runs them."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from classes.models import Moderation, SchoolClass, runs_every_class
from tests.factories import make_grid

pytestmark = pytest.mark.django_db


def test_createclass_prints_the_code_and_the_snippet_students_paste(class_teacher, settings):
    settings.IPB_SITE_URL = "https://blocks.example.org"
    out = io.StringIO()

    call_command(
        "createclass", "7B Computing", "--teacher", "ms.frizzle", "--moderation", "wall", stdout=out
    )

    school_class = SchoolClass.objects.get()
    printed = out.getvalue()
    assert school_class.code in printed
    assert f"ipb._POST_URL = 'https://blocks.example.org/c/{school_class.code}/post'" in printed
    assert "ipb._GET_URL_PUBLIC = 'https://blocks.example.org/get/{0}'" in printed
    assert f"https://blocks.example.org/c/{school_class.code}/" in printed
    assert school_class.moderation == Moderation.WALL
    assert list(school_class.teachers.all()) == [class_teacher]


def test_createclass_refuses_an_unknown_teacher(db):
    with pytest.raises(CommandError, match="createteacher"):
        call_command("createclass", "7B", "--teacher", "nobody")
    assert not SchoolClass.objects.exists()


def test_class_codes_are_short_unambiguous_and_different(class_teacher):
    codes = {SchoolClass.objects.create(name=f"class {number}").code for number in range(50)}

    assert len(codes) == 50
    for code in codes:
        assert len(code) == 10
        assert not set(code) & set("01ilo")


def test_own_classes_teachers_run_their_classes_and_site_moderators_every_one(
    class_teacher, site_moderator
):
    assert not runs_every_class(class_teacher)
    assert runs_every_class(site_moderator)
    assert class_teacher.groups.get().name == "Class teachers"


def test_export_grids_for_a_class_writes_its_grids_alone(her_class, tmp_path):
    hers = make_grid(school_class=her_class)
    make_grid()
    output = tmp_path / "class.jsonl"

    call_command("export_grids", "--class", her_class.code.upper(), "--output", str(output))

    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["id"] for line in lines] == [hers.public_id]


def test_export_grids_refuses_an_unknown_class(db):
    with pytest.raises(CommandError, match="No class"):
        call_command("export_grids", "--class", "abcdefghjk")
