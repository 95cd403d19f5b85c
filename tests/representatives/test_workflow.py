"""The state machines of instructions, reports and evaluations are tables (``workflow.py``); the
services move through them and the pages ask them. These are the tables the product defines."""

import pytest
from django.core.exceptions import PermissionDenied

from representatives.choices import EvaluationStatus, InstructionState, ReportStatus
from representatives.workflow import EVALUATION, INSTRUCTION, REPORT

S, R, E = InstructionState, ReportStatus, EvaluationStatus


def _table(workflow) -> dict:
    return {
        name: (set(t.sources), t.target if not callable(t.target) else "decided by the record")
        for name, t in workflow.transitions.items()
    }


def test_the_instruction_moves():
    assert _table(INSTRUCTION) == {
        "draft": ({S.PENDING, S.DRAFTED}, S.DRAFTED),
        "issue": ({S.DRAFTED}, "decided by the record"),
        "approve": ({S.AWAITING_APPROVAL}, S.ISSUED),
        "return": ({S.AWAITING_APPROVAL}, S.DRAFTED),
    }


@pytest.mark.parametrize(("major", "state"), [(False, S.ISSUED), (True, S.AWAITING_APPROVAL)])
def test_issuing_sends_a_major_matter_to_leadership_first(major, state):
    class Proposal:
        instruction_state = S.DRAFTED

    proposal = Proposal()
    proposal.major = major
    assert INSTRUCTION.move("issue", proposal) == {"instruction_state"}
    assert proposal.instruction_state == state


def test_the_report_moves():
    owed = {R.DRAFT, R.RETURNED}
    assert _table(REPORT) == {
        "edit": (owed, None),
        "submit": (owed, R.SUBMITTED),
        "return": ({R.SUBMITTED}, R.RETURNED),
        "acknowledge": ({R.SUBMITTED}, R.ACKNOWLEDGED),
    }


def test_the_evaluation_moves():
    assert _table(EVALUATION) == {"edit": ({E.DRAFT}, None), "publish": ({E.DRAFT}, E.PUBLISHED)}


def test_a_move_from_another_state_is_refused(hq):
    class Evaluation:
        status = E.PUBLISHED

    with pytest.raises(PermissionDenied):
        EVALUATION.require("publish", hq, Evaluation())
    assert EVALUATION.available(hq, Evaluation()) == []
