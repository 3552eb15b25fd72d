"""Questionnaires as versioned data (ADR 0020): JSON files in this package are the source; a
file is loaded into the ``Questionnaire`` table under its (code, version) and never changed once
loaded. A changed form is a new file with a new version. This module reads definitions and
checks answers against them; it holds no question text of its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from apps.common import health

HERE = Path(__file__).resolve().parent
PARQ = "parq_plus"


@dataclass(frozen=True)
class SourceFile:
    code: str
    version: str
    title: str
    definition: dict[str, Any]
    sha256: str


@cache
def source_files() -> tuple[SourceFile, ...]:
    """Every questionnaire definition shipped with the code, oldest version first."""
    out = []
    for path in sorted(HERE.glob("*.json")):
        raw = path.read_bytes()
        data = json.loads(raw)
        if "general" not in data:
            continue  # a rules file
        out.append(
            SourceFile(
                code=data["code"],
                version=data["version"],
                title=data["title"],
                definition=data,
                sha256=hashlib.sha256(raw).hexdigest(),
            )
        )
    return tuple(out)


@cache
def default_rules() -> tuple[dict[str, Any], ...]:
    """The screening rules shipped as data (``*_rules.json``); clinicians edit the table copy."""
    rules: list[dict[str, Any]] = []
    for path in sorted(HERE.glob("*_rules.json")):
        data = json.loads(path.read_bytes())
        rules.extend({**r, "questionnaire_code": data["questionnaire_code"]} for r in data["rules"])
    return tuple(rules)


@dataclass(frozen=True)
class Evaluation:
    outcome: str  # ScreeningOutcome value
    yes: frozenset[str]  # general questions and follow-up sections answered yes
    regions: tuple[str, ...]
    minor: bool
    advice: tuple[str, ...]


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def evaluate(definition: dict[str, Any], answers: Any, *, date_of_birth: date, today: date) -> Evaluation:
    """Check ``answers`` against ``definition`` and derive the outcome.

    Raises ``ValidationError`` keyed ``answers.<question id>`` for every missing, unknown,
    mistyped or contradictory answer, all at once. Messages name questions, never echo answers.
    """
    if not isinstance(answers, dict):
        raise ValidationError({"answers": ["An object of question ids and yes/no (true/false) answers."]})
    errors: dict[str, list[str]] = {}

    def err(qid: str, message: str) -> None:
        errors.setdefault(f"answers.{qid}", []).append(message)

    def boolean(qid: str, *, required: bool) -> bool | None:
        if qid not in answers:
            if required:
                err(qid, "This question must be answered yes or no.")
            return None
        value = answers[qid]
        if not isinstance(value, bool):
            err(qid, "Answer yes or no (true or false).")
            return None
        return value

    general = [q["id"] for q in definition["general"]]
    regions_q = definition["regions"]
    advice_q = definition["advice_question"]["id"]
    known = {*general, regions_q["id"], advice_q}
    known |= {d["id"] for d in definition["delay"]}
    for section in definition["followup"]:
        known.add(section["id"])
        known |= {q["id"] for q in section["questions"]}
    for qid in sorted(set(answers) - known, key=str):
        err(str(qid), "Not a question of this form.")

    g = {qid: boolean(qid, required=True) for qid in general}
    any_general_yes = any(g.values())
    delays = [boolean(d["id"], required=True) for d in definition["delay"]]

    regions: list[str] = []
    raw_regions = answers.get(regions_q["id"])
    trigger = regions_q["asked_when"]
    if g.get(trigger):
        allowed = health.vocabulary()["regions"]
        if not isinstance(raw_regions, list) or not raw_regions:
            err(regions_q["id"], f"Name the affected body regions (one or more of: {', '.join(allowed)}).")
        elif not all(isinstance(r, str) and r in allowed for r in raw_regions):
            err(regions_q["id"], f"Unknown region. Allowed values: {', '.join(allowed)}.")
        else:
            regions = sorted(set(raw_regions))
    elif raw_regions not in (None, []):
        err(regions_q["id"], f"Contradicts {trigger}: regions are named only when {trigger} is yes.")

    yes = {qid for qid, v in g.items() if v}
    sub_yes = False
    for section in definition["followup"]:
        sid = section["id"]
        subs = [q["id"] for q in section["questions"]]
        if not any_general_yes:
            for qid in [sid, *subs]:
                if qid in answers:
                    err(qid, "Follow-up questions are answered only when a general question is yes.")
            continue
        gate = boolean(sid, required=True)
        if gate:
            yes.add(sid)
            others = section["consistent_with"]
            if not any(g.get(o) for o in others):
                err(sid, f"Contradicts {', '.join(others)}: all of them were answered no.")
            sub_answers = [boolean(q, required=True) for q in subs]  # every one, for the errors
            sub_yes |= any(sub_answers)
        else:
            for qid in subs:
                if qid in answers:
                    err(qid, f"Contradicts {sid}: its questions are answered only when {sid} is yes.")

    age = _age(date_of_birth, today)
    advice: list[str] = []
    if age >= definition["advice_age"]:
        used_to_vigorous = boolean(advice_q, required=True)
        if used_to_vigorous is False:
            advice.append("See a qualified exercise professional before engaging in vigorous exercise.")
    else:
        boolean(advice_q, required=False)
    if errors:
        raise ValidationError(errors)

    if any(delays):
        outcome = "delay"
    elif not any_general_yes:
        outcome = "cleared"
    elif sub_yes or any(g.get(q) for q in definition["always_needs_clearance"]):
        outcome = "needs_clearance"
    else:
        outcome = "cleared"
    return Evaluation(
        outcome=outcome,
        yes=frozenset(yes),
        regions=tuple(regions),
        minor=age < definition["adult_age"],
        advice=tuple(advice),
    )
