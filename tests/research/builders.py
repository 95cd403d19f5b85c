"""Research records in the shared ``portfolio`` (tests/conftest.py), for the access matrix and the
research tests: in each JV, this year's research in progress (with HQ's internal writing, a
recommendation, a file, a draft data return with a wish) and last year's, whose data return the
JV submitted (for HQ to review)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.roles import Role
from core.uploads import check_upload
from research import services
from research.models import AnnualResearch, DataReturn, Wish
from tests import factories as f

PDF = b"%PDF-1.4\n%test\n"
# Text HQ wrote about the other JV, or internally about the own one: a representative never reads it.
HIDDEN_RESEARCH = [
    "他方调研发现 Hidden Findings",
    "他方问题 Hidden Problems",
    "他方建议 Hidden Recommendation",
    "他方愿望 Hidden Wish",
    "hidden-report.pdf",
]
INTERNAL_OWN = [
    "本方内部发现 Own Internal Findings",
    "本方内部建议 Own Internal Recommendation",
    "own-report.pdf",
]


def pdf(name="report.pdf"):
    return check_upload(SimpleUploadedFile(name, PDF, content_type="application/pdf"))


def _figures():
    return {
        "revenue": 1000,
        "net_profit": 100,
        "tax_paid": 50,
        "dividends_declared": 20,
        "dividends_received": 20,
        "new_investment": 10,
        "headcount": 100,
    }


def research_world(portfolio) -> dict:
    if "research" in portfolio:
        return portfolio["research"]
    hq = f.make_user(Role.HQ_STAFF, username="research_hq")
    year = timezone.localdate().year
    made = {}
    texts = {
        "own": (
            INTERNAL_OWN[0],
            "本方问题 Own Problems",
            INTERNAL_OWN[1],
            "本方愿望 Own Wish",
            INTERNAL_OWN[2],
        ),
        "other": tuple(HIDDEN_RESEARCH),
    }
    for key in ("own", "other"):
        jv = portfolio[key]
        rep = portfolio["rep"] if key == "own" else portfolio["other_rep"]
        findings, problems, recommendation, wish, file_name = texts[key]
        research = services.research_open(jv=jv, year=year, actor=hq)
        # Due ahead of today, whatever day the tests run: nothing is late unless a test says so.
        today = timezone.localdate()
        DataReturn.objects.filter(research=research).update(due_date=today + datetime.timedelta(days=30))
        AnnualResearch.objects.filter(pk=research.pk).update(due_date=today + datetime.timedelta(days=60))
        research.refresh_from_db()
        research = services.research_transition(
            research=research, action="start", actor=hq, expected_version=research.version
        )
        research = services.research_update(
            research=research,
            actor=hq,
            data={"findings": findings, "problems": problems},
            expected_version=research.version,
        )
        made[f"{key}_recommendation"] = services.recommendation_add(
            research=research, actor=hq, data={"text": recommendation, "owner": hq}
        )
        made[f"{key}_file"] = services.research_attach(research=research, actor=hq, upload=pdf(file_name))
        data_return = services.data_return_update(
            data_return=research.data_return,
            actor=rep,
            data={"revenue": 900},
            wishes=[{"title": wish, "description": "", "category": "policy"}],
            expected_version=research.data_return.version,
        )
        made[f"{key}_wish"] = Wish.objects.get(data_return=data_return)
        made[key] = AnnualResearch.objects.get(pk=research.pk)
        # Last year's: the JV submitted its data return; HQ has to review it.
        last = services.research_open(jv=jv, year=year - 1, actor=hq)
        submitted = services.data_return_update(
            data_return=last.data_return,
            actor=rep,
            data=_figures(),
            expected_version=last.data_return.version,
        )
        services.data_return_submit(data_return=submitted, actor=rep, expected_version=submitted.version)
        made[f"{key}_submitted"] = AnnualResearch.objects.get(pk=last.pk)
    made["hq"] = hq
    portfolio["research"] = made
    return made


def figures(**changes):
    return {**_figures(), **changes}
