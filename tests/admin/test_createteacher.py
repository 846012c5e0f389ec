import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_createteacher_noinput_reads_the_password_variable(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_TEACHER_PASSWORD", "a-long-class-password-42")

    call_command("createteacher", "mr.keating", "--noinput")

    teacher = django_user_model.objects.get(username="mr.keating")
    assert teacher.is_staff is True
    assert teacher.is_superuser is False
    assert teacher.check_password("a-long-class-password-42")
    assert list(teacher.groups.values_list("name", flat=True)) == ["Teachers"]


def test_createteacher_prompts_for_the_password_twice(monkeypatch, django_user_model):
    answers = iter(["a-long-class-password-42", "a-long-class-password-42"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    call_command("createteacher", "ms.honey")

    assert django_user_model.objects.get(username="ms.honey").check_password(
        "a-long-class-password-42"
    )


def test_createteacher_refuses_differing_passwords(monkeypatch, django_user_model):
    answers = iter(["a-long-class-password-42", "a-long-class-password-43"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="differ"):
        call_command("createteacher", "ms.honey")
    assert not django_user_model.objects.exists()


def test_createteacher_noinput_without_the_variable_fails(monkeypatch):
    monkeypatch.delenv("DJANGO_TEACHER_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="DJANGO_TEACHER_PASSWORD"):
        call_command("createteacher", "ms.honey", "--noinput")


def test_createteacher_refuses_a_weak_password(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_TEACHER_PASSWORD", "1234")

    with pytest.raises(CommandError, match="too short"):
        call_command("createteacher", "ms.honey", "--noinput")
    assert not django_user_model.objects.exists()


def test_createteacher_refuses_an_existing_username(monkeypatch, django_user_model):
    django_user_model.objects.create_user("ms.honey")
    monkeypatch.setenv("DJANGO_TEACHER_PASSWORD", "a-long-class-password-42")

    with pytest.raises(CommandError, match="already exists"):
        call_command("createteacher", "ms.honey", "--noinput")


def test_createteacher_restores_a_deleted_teachers_group(monkeypatch):
    from django.contrib.auth.models import Group

    Group.objects.filter(name="Teachers").delete()
    monkeypatch.setenv("DJANGO_TEACHER_PASSWORD", "a-long-class-password-42")

    call_command("createteacher", "ms.honey", "--noinput")

    teachers = Group.objects.get(name="Teachers")
    assert teachers.permissions.count() == 8  # moderation, and running any class
    assert teachers.user_set.get().username == "ms.honey"
