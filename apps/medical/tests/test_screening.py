"""PAR-Q+ as data: outcomes, minors, bad input naming each question, expiry reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.common.models import OutboxEvent
from apps.medical import questionnaires, services
from apps.medical.audit.api import system_meta
from apps.medical.models import Questionnaire, Screening
from apps.medical.tasks import remind_expiring_screenings
from apps.medical.tests.helpers import ALL_NO, KNEE_YES, screening_body
from conftest import body

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
BORN = date(1990, 4, 2)


def definition() -> dict[str, Any]:
    return questionnaires.source_files()[0].definition


def evaluate(answers: Any, born: date = BORN) -> questionnaires.Evaluation:
    return questionnaires.evaluate(definition(), answers, date_of_birth=born, today=NOW.date())


def errors_of(answers: Any, born: date = BORN) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        evaluate(answers, born)
    return info.value.message_dict


def test_form_is_data_with_seven_general_questions_and_followups() -> None:
    d = definition()
    assert (d["code"], d["version"], d["validity_months"]) == ("parq_plus", "2023.1", 12)
    assert [q["id"] for q in d["general"]] == ["g1", "g2", "g3", "g4", "g5", "g6", "g7"]
    assert [s["category"] for s in d["followup"]] == [
        "arthritis_osteoporosis_back",
        "cancer",
        "heart_cardiovascular",
        "high_blood_pressure",
        "metabolic",
        "mental_health_learning",
        "respiratory",
        "spinal_cord_injury",
        "stroke",
        "other",
    ]


def test_outcomes() -> None:
    assert evaluate(ALL_NO).outcome == "cleared"
    assert evaluate(KNEE_YES).outcome == "needs_clearance"
    followups_all_no = {**KNEE_YES, "f1b": False}
    assert evaluate(followups_all_no).outcome == "cleared"
    assert evaluate({**ALL_NO, "d1": True}).outcome == "delay"
    supervised = {**ALL_NO, "g7": True, **{f"f{i}": False for i in range(1, 11)}}
    assert evaluate(supervised).outcome == "needs_clearance"


def test_missing_and_mistyped_answers_name_each_question() -> None:
    answers = {**ALL_NO, "g2": "no", "zz": True}
    del answers["g3"]
    del answers["d2"]
    assert errors_of(answers) == {
        "answers.g2": ["Answer yes or no (true or false)."],
        "answers.g3": ["This question must be answered yes or no."],
        "answers.d2": ["This question must be answered yes or no."],
        "answers.zz": ["Not a question of this form."],
    }


def test_contradictory_answers_name_each_question() -> None:
    # Regions without g6, follow-ups without any general yes.
    assert errors_of({**ALL_NO, "g6_regions": ["knee"], "f3": True}) == {
        "answers.g6_regions": ["Contradicts g6: regions are named only when g6 is yes."],
        "answers.f3": ["Follow-up questions are answered only when a general question is yes."],
    }
    # A heart follow-up although every heart-related general question is no; sub-answers of a
    # section answered no; g6 without regions.
    answers = {**KNEE_YES, "f3": True, "f3a": False, "f3b": False, "f3c": False, "f3d": False, "f2a": True}
    del answers["g6_regions"]
    assert errors_of(answers) == {
        "answers.g6_regions": [
            "Name the affected body regions (one or more of: neck, shoulder, elbow, wrist, upper_back, "
            "lower_back, chest, abdomen, hip, knee, ankle)."
        ],
        "answers.f2a": ["Contradicts f2: its questions are answered only when f2 is yes."],
        "answers.f3": ["Contradicts g1, g2, g3, g4, g5: all of them were answered no."],
    }


def test_over_45_not_used_to_vigorous_exercise_gets_advice() -> None:
    older = date(1970, 1, 1)
    assert errors_of(ALL_NO, older) == {"answers.h1": ["This question must be answered yes or no."]}
    assert evaluate({**ALL_NO, "h1": False}, older).advice == (
        "See a qualified exercise professional before engaging in vigorous exercise.",
    )


def test_questionnaire_is_loaded_once_per_version(gym_a: Any, in_gym: Any) -> None:
    with in_gym(gym_a):
        services.questionnaires_sync()
        services.questionnaires_sync()
        rows = list(Questionnaire.objects.values_list("code", "version", "is_current"))
    assert rows == [("parq_plus", "2023.1", True)]


def test_minor_needs_guardian_signature(gym_a: Any, api_for: Any) -> None:
    client = api_for(gym_a, "member")
    minor = screening_body(ALL_NO, date_of_birth="2014-05-01")
    r = client.post("/api/v1/medical/screenings/", minor, format="json")
    assert r.status_code == 400
    assert body(r)["error"]["fields"] == {
        "guardian_name": ["A parent or guardian must sign for a member under 18."]
    }
    r = client.post("/api/v1/medical/screenings/", {**minor, "guardian_name": "Parent Person"}, format="json")
    assert r.status_code == 201, body(r)


def test_bad_screening_is_400_naming_questions_and_writes_nothing(
    gym_a: Any, api_for: Any, in_gym: Any
) -> None:
    answers = dict(KNEE_YES)
    del answers["f1b"]
    r = api_for(gym_a, "member").post("/api/v1/medical/screenings/", screening_body(answers), format="json")
    assert r.status_code == 400
    assert body(r)["error"]["fields"] == {"answers.f1b": ["This question must be answered yes or no."]}
    r = api_for(gym_a, "member").post(
        "/api/v1/medical/screenings/",
        screening_body(ALL_NO, signed_name=" ", date_of_birth="2099-01-01"),
        format="json",
    )
    assert body(r)["error"]["fields"] == {
        "signed_name": ["Type your full name to sign."],
        "date_of_birth": ["The date of birth cannot be in the future."],
    }
    with in_gym(gym_a):
        assert Screening.objects.count() == 0


def test_expiring_screenings_are_announced_once(gym_a: Any, in_gym: Any, frozen: Any) -> None:
    clock = frozen(NOW)
    member = gym_a.people["member"].id
    meta = system_meta(label="test")
    with in_gym(gym_a):
        s = services.screening_submit(
            member_id=member, answers=ALL_NO, signed_name="M", date_of_birth=BORN, meta=meta
        ).screening
    assert s.expires_at == datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
    clock.at = NOW + timedelta(days=300)
    assert remind_expiring_screenings() == 0
    clock.at = datetime(2027, 2, 20, tzinfo=UTC)
    assert remind_expiring_screenings() == 1
    assert remind_expiring_screenings() == 0
    with in_gym(gym_a):
        events = [e.payload for e in OutboxEvent.objects.filter(event_type="medical.ScreeningExpiring")]
    assert [(e["member_id"], e["screening_id"]) for e in events] == [(str(member), str(s.id))]
