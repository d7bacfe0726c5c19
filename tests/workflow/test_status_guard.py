"""No code outside the engine sets a workflow's status: an AST scan of the apps.

A status is written by ``Workflow.perform`` only, so that every change is checked,
recorded and told. The demo and the benchmark's generator build rows in a given state
directly, and migrations are history: they are allowed.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from accompaniment.workflows import PLAN_WORKFLOW
from applicants.workflows import DOSSIER_WORKFLOW
from committee.workflows import DECISION_WORKFLOW, MEETING_WORKFLOW
from diagnostics.workflows import DIAGNOSTIC_WORKFLOW

ROOT = Path(settings.BASE_DIR)
WORKFLOWS = [
    DOSSIER_WORKFLOW,
    DIAGNOSTIC_WORKFLOW,
    PLAN_WORKFLOW,
    MEETING_WORKFLOW,
    DECISION_WORKFLOW,
]
ALLOWED = {"ccr_portal/workflow.py"}


def _allowed(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return (
        relative in ALLOWED
        or relative.endswith("/demo.py")
        or "/migrations/" in relative
        or relative.startswith(("bench/", "tests/"))
    )


def _project_files():
    for config in apps.get_app_configs():
        folder = Path(config.path)
        if ROOT in folder.parents or folder == ROOT:
            yield from (path for path in folder.rglob("*.py") if not _allowed(path))


def _status_enums() -> dict[str, set[str]]:
    """For each workflow's status field: the names of its status classes, the values."""
    names, values = set(), set()
    for workflow in WORKFLOWS:
        model = workflow.history._meta.get_field(workflow.subject_field).related_model
        field = model._meta.get_field(workflow.status_field)
        values |= {value for value, _label in field.choices}
        enum = type(field.default) if field.has_default() else None
        if enum is not None and enum is not str:
            names.add(enum.__name__)
    known = {"DossierStatus", "DiagnosticStatus", "PlanStatus", "MeetingStatus", "DecisionStatus"}
    return {"names": names | known, "values": values}


def _aliases(tree: ast.Module, names: set[str]) -> set[str]:
    """The local names of the status classes (``from .models import PlanStatus as S``)."""
    local = set(names)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in names:
                    local.add(alias.asname or alias.name)
    return local


def _is_status_value(node: ast.AST, aliases: set[str], values: set[str]) -> bool:
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id in aliases:
            return True
        return node.attr == "target"  # a transition's target, set by hand
    return isinstance(node, ast.Constant) and node.value in values


def offences(path: Path, enums: dict, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases = _aliases(tree, enums["names"])
    fields = {workflow.status_field for workflow in WORKFLOWS}
    found = []
    for node in ast.walk(tree):
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets, value = [node.target], node.value
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr in fields
                and _is_status_value(value, aliases, enums["values"])
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
        if isinstance(node, ast.Call):
            function = node.func
            if (
                isinstance(function, ast.Name)
                and function.id == "setattr"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in fields
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
            if isinstance(function, ast.Attribute) and function.attr == "update":
                for keyword in node.keywords:
                    if keyword.arg in fields and _is_status_value(
                        keyword.value, aliases, enums["values"]
                    ):
                        found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_code_outside_the_engine_sets_a_workflow_status():
    enums = _status_enums()
    found = [offence for path in _project_files() for offence in offences(path, enums)]
    assert found == []


def test_the_scan_finds_a_status_set_by_hand(tmp_path):
    """The scan is not blind: a hand-written status change is caught, in each form."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from applicants.models import DossierStatus as S\n"
        "def bad(dossier, transition, Dossier):\n"
        "    dossier.status = S.ACCEPTED\n"
        "    dossier.status = transition.target\n"
        "    Dossier.objects.filter(pk=1).update(status=S.REJECTED)\n"
        "    setattr(dossier, 'status', 'accepted')\n"
    )
    assert offences(sample, _status_enums(), root=tmp_path) == [
        "sample.py:3",
        "sample.py:4",
        "sample.py:5",
        "sample.py:6",
    ]
