"""Engagement records in the shared ``portfolio`` (tests/conftest.py), for the access matrix and the
engagement tests: a leader's visit to the own JV, one to the other JV, and a symposium both JVs spoke
at, each with HQ-internal notes and commitments; a file on the own visit."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.roles import Role
from core.uploads import check_upload
from engagements import defaults, services
from engagements.models import PartnerPerson, Topic
from tests import factories as f

# What a representative of the own JV never reads: HQ's notes, the other JV's engagement and its part
# of the shared symposium.
HIDDEN_ENGAGEMENT = [
    "本方内部备注 Own Internal Note",
    "他方访问 Hidden Visit",
    "他方承诺 Hidden Commitment",
    "研讨会内部备注 Symposium Internal Note",
    "他方外方人员 Hidden Person",
]


def engagement_world(portfolio) -> dict:
    if "engagements" in portfolio:
        return portfolio["engagements"]
    defaults.ensure()
    hq = f.make_user(Role.HQ_STAFF, username="eng_hq")
    leader = f.make_user(Role.LEADERSHIP, username="eng_leader", display_name="领导甲")
    today = timezone.localdate()
    topic = Topic.objects.order_by("pk").first()
    own_person = PartnerPerson.objects.create(
        name="本方外方人员", title="CEO", company=portfolio["own_partner"]
    )
    other_person = PartnerPerson.objects.create(
        name="他方外方人员 Hidden Person", title="CEO", company=portfolio["other_partner"]
    )
    made = {"hq": hq, "leader": leader}
    visit = {"kind": "jv_visit", "status": "held", "starts_on": today - datetime.timedelta(days=20)}
    made["own"] = services.engagement_create(
        actor=hq,
        data={
            **visit,
            "title": "本方访问 Own Visit",
            "summary": "本方纪要 Own Summary",
            "internal_notes": HIDDEN_ENGAGEMENT[0],
        },
        ventures=[portfolio["own"]],
        partners=[portfolio["own_partner"]],
        attendees=[leader, hq],
        partner_attendees=[own_person],
        topics=[topic],
    )
    made["other"] = services.engagement_create(
        actor=hq,
        data={**visit, "title": HIDDEN_ENGAGEMENT[1], "internal_notes": "他方内部 Hidden Internal"},
        ventures=[portfolio["other"]],
        partners=[portfolio["other_partner"]],
        attendees=[leader],
        partner_attendees=[other_person],
    )
    made["symposium"] = services.engagement_create(
        actor=hq,
        data={
            "kind": "symposium",
            "status": "held",
            "starts_on": today - datetime.timedelta(days=10),
            "title": "座谈会 Symposium",
            "internal_notes": HIDDEN_ENGAGEMENT[3],
        },
        ventures=[portfolio["own"], portfolio["other"]],
        partners=[portfolio["own_partner"], portfolio["other_partner"]],
        attendees=[leader],
        partner_attendees=[own_person, other_person],
    )
    for key, jv in (("own", portfolio["own"]), ("other", portfolio["other"])):
        made[f"{key}_planned"] = services.engagement_create(
            actor=hq,
            data={
                "kind": "partner_visit",
                "status": "planned",
                "starts_on": today,
                "title": f"{key} 计划 Planned",
            },
            ventures=[jv],
            attendees=[leader],
        )
    due = today + datetime.timedelta(days=30)
    for key, jv in (("own", portfolio["own"]), ("other", portfolio["other"])):
        text = "本方承诺 Own Commitment" if key == "own" else HIDDEN_ENGAGEMENT[2]
        made[f"{key}_commitment"] = services.commitment_add(
            engagement=made[key], actor=hq, data={"jv": jv, "text": text, "owner": hq, "due_date": due}
        )
        made[f"symposium_{key}_commitment"] = services.commitment_add(
            engagement=made["symposium"],
            actor=hq,
            data={"jv": jv, "text": f"{text} @symposium", "owner": hq, "due_date": due},
        )
    for key in ("own", "other"):
        made[f"{key}_file"] = services.engagement_attach(
            engagement=made[key],
            actor=hq,
            upload=check_upload(
                SimpleUploadedFile(f"{key}-minutes.pdf", b"%PDF-1.4\n", content_type="application/pdf")
            ),
            purpose="minutes",
        )
    portfolio["engagements"] = made
    return made
