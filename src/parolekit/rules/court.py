"""Immigration-court rules: the caption the ICPM cover page prints and the proof of service."""

from __future__ import annotations

from ..intake import Source
from ..manifest import Case
from .catalogue import emit


def respondents(m) -> list[int]:
    """0-based indices of the beneficiaries who are respondents (all, unless case.court says)."""
    people = m.case.beneficiaries
    chosen = m.case.court.respondents if m.case.court and m.case.court.respondents else \
        range(1, len(people) + 1)
    return [i - 1 for i in chosen if 1 <= i <= len(people)]


def is_court(m) -> bool:
    return m.case.forum == "immigration-court"


def check_court(case: Case, _sources: list[Source] | None = None) -> None:
    """What a court filing needs and what only a court filing uses."""
    m = case.manifest
    if not is_court(m):
        for key, path, value in (("case.court", ("case", "court"), m.case.court),
                                 ("service", ("service",), m.service)):
            if value is not None:
                emit(case, path, "court-forum-not-set",
                     f"{key} is used only by a court filing and is ignored; set case.forum: "
                     "immigration-court, or remove it", key=True)
        return
    court = m.case.court
    if court is None:
        emit(case, ("case", "forum"), "court-details-missing",
             "a court filing's cover page names the judge, the hearing and the court; add case.court "
             "(judge, hearing_date, hearing_type, location, detained)")
    else:
        people = len(m.case.beneficiaries)
        for j, n in enumerate(court.respondents):
            if n > people:
                emit(case, ("case", "court", "respondents", j), "court-respondent-unknown",
                     f"there is no beneficiary {n} (the case lists {people}); give 1 to {people}")
        if court.hearing_date < m.case.date:
            emit(case, ("case", "court", "hearing_date"), "court-hearing-past",
                 f"the hearing ({court.hearing_date.isoformat()}) is before the filing's date "
                 f"({m.case.date.isoformat()}); give the next hearing's date")
    for i in respondents(m):
        if not m.case.beneficiaries[i].a_number:
            emit(case, ("case", "beneficiaries", i), "court-a-number-missing",
                 f"{m.case.beneficiaries[i].name} is a respondent, and the cover page prints each "
                 "respondent's A-number; add a_number")
    if m.service is None:
        emit(case, ("case", "forum"), "court-service-missing",
             "a court filing not served through ECAS needs a proof of service (8 CFR 1003.32: "
             "without one it will not be considered); add service: (served, method, date, by), "
             "or service.method: ecas when ECAS serves DHS")
    elif m.service.date < m.case.date:
        emit(case, ("service", "date"), "court-service-before-filing",
             f"the copy is said to be served on {m.service.date.isoformat()}, before the filing's "
             f"date ({m.case.date.isoformat()}); serve it on or after the day it is signed")

