"""The kinds of PDF the portal produces, each registered by the app that owns it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    # The subject's model, as "app_label.ModelName".
    model: str
    template_name: str
    # The permission (``rules``) checked on the subject to ask for, see and
    # download the document: the same one as the subject's page.
    permission: str
    get_context: Callable[[models.Model], dict]
    get_filename: Callable[[models.Model], str]
    # French grammar of the label, for the buttons: « la fiche », « le plan ».
    feminine: bool = True
    # Called with the document once its PDF is ready (outside any transaction): the owner
    # app tells whoever waits for it (a committee member's meeting pack, say).
    on_ready: Callable | None = None

    @property
    def the_label(self) -> str:
        article = "la" if self.feminine else "le"
        return f"{article} {self.label[:1].lower()}{self.label[1:]}"

    @property
    def generated_word(self) -> str:
        return "Générée" if self.feminine else "Généré"


_kinds: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    _kinds[kind.code] = kind
    return kind


def get_kind(code: str) -> DocumentKind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"Unknown document kind {code!r}") from None


def all_kinds() -> list[DocumentKind]:
    """Every registered kind, for the checks that must cover each one."""
    return list(_kinds.values())
