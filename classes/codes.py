"""Class codes: what a class's post link and wall carry (/c/<code>/post, /c/<code>/).

A teacher reads one out or writes it on the board and students type it into a notebook, so it
is short, has no look-alike characters (no 0/o, 1/l/i) and is read in any case. It is also the
only key to a class-only wall and to the class's post link, so it is drawn at random from the
operating system's generator: 31 characters, 10 of them, is about 50 bits, far past guessing
at the rate the site answers (and the request log masks it like a secret grid's id).
"""

import secrets

CLASS_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CLASS_CODE_LENGTH = 10


def new_class_code() -> str:
    return "".join(secrets.choice(CLASS_CODE_ALPHABET) for _ in range(CLASS_CODE_LENGTH))


class ClassCodeConverter:
    """URL converter: a class code in any case. A path that is not one never reaches a view."""

    regex = f"[A-Za-z0-9]{{{CLASS_CODE_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value.lower()

    def to_url(self, value: str) -> str:
        return value
