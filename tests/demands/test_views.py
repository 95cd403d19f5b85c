"""The demands pages as people use them: raising, attachments, the workflow's forms, the list,
the SLA report and its exports, and the panel on the JV page; with query budgets."""

import csv
import datetime
import io
import re
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.services import CONCURRENT_EDIT_MESSAGE
from core.uploads import check_upload
from core.workdays import local_zone
from demands import services
from demands.choices import Status, UpdateKind, Visibility
from demands.models import Demand, DemandAttachment
from tests import factories as f
from tests.downloads import body
from tests.helpers import error_codes, form_data, rendered_form_data

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
HIDDEN_JV_NAMES = ["他方合资公司", "Hidden Venture Co., Ltd."]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments land in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_files(media) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


@pytest.fixture
def clerk(portfolio):
    """HQ staff of the department responsible for the rep's JV, so a handler of its demands."""
    return f.make_user(
        Role.HQ_STAFF, username="clerk", display_name="Clerk Chen", department=portfolio["own"].department
    )


def _url(name, *args) -> str:
    return reverse(f"demands:{name}", args=args)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _pdf(name="brief.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _raise_data(jv, **overrides) -> dict:
    data = {
        "jv": str(jv.pk),
        "title": "开拓东南亚市场 Market entry",
        "description": "需要集团协助对接东南亚渠道。",
        "category": "market",
        "priority": "high",
        "source": "engagement",
        "source_note": "2025 年度走访",
    }
    data.update(overrides)
    return data


def _download(client, attachment):
    response = client.get(attachment.get_absolute_url())
    if response.status_code == 200:
        # Consuming the content closes the file (the test client closes the response after the
        # last chunk; closing it here would end the test's database connection).
        return response, b"".join(response.streaming_content)
    return response, None


# --- Raising a demand ------------------------------------------------------------------------------


def test_the_rep_raises_a_demand_for_their_jv(rep, portfolio, client_as):
    client = client_as(rep)
    page = client.get(_url("demand_create"))
    assert page.status_code == 200
    form = page.context["form"]
    # Only the rep's JV is a choice, and it is already chosen.
    assert list(form.fields["jv"].queryset) == [portfolio["own"]]
    assert form["jv"].value() == portfolio["own"].pk
    content = page.content.decode()
    for hidden in HIDDEN_JV_NAMES:
        assert hidden not in content

    response = client.post(_url("demand_create"), _raise_data(portfolio["own"]))
    demand = Demand.objects.get()
    assert (response.status_code, response.url) == (302, demand.get_absolute_url())
    assert "The demand was submitted. It is routed to the responsible department." in _messages(response)
    assert (demand.jv, demand.raised_by, demand.status) == (portfolio["own"], rep, Status.SUBMITTED)
    assert (demand.title, demand.priority, demand.source_note) == (
        "开拓东南亚市场 Market entry",
        "high",
        "2025 年度走访",
    )
    # Without a routing rule the JV's own department gets it.
    assert demand.department == portfolio["own"].department
    assert demand.due_at == demand.acknowledge_by
    assert list(demand.updates.values_list("kind", flat=True)) == [UpdateKind.RAISED]


def test_an_invalid_demand_shows_field_errors_and_saves_nothing(rep, portfolio, client_as, media):
    data = _raise_data(portfolio["other"], title="", category="nonsense")
    response = client_as(rep).post(_url("demand_create"), {**data, "attachment": _pdf()})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"jv", "title", "category"}
    assert error_codes(form, "jv") == ["invalid_choice"]
    content = response.content.decode()
    assert 'data-testid="form-errors"' in content
    for hidden in HIDDEN_JV_NAMES:
        assert hidden not in content
    assert not Demand.objects.exists()
    assert not DemandAttachment.objects.exists()
    assert stored_files(media) == []


def test_the_jv_in_the_address_is_chosen_in_the_form(hq, portfolio, client_as):
    """The JV page's "Raise a demand" button opens the form with that JV (HQ raises on its behalf)."""
    other = portfolio["other"]
    page = client_as(hq).get(_url("demand_create"), {"jv": other.pk})
    assert page.context["form"]["jv"].value() == str(other.pk)
    assert re.search(rf'<option value="{other.pk}" selected>', page.content.decode())
    # Nothing is chosen without it (HQ sees every JV).
    page = client_as(hq).get(_url("demand_create"))
    assert not re.search(r'<option value="\d+" selected>', page.content.decode())


def test_another_jv_in_the_address_is_neither_chosen_nor_named_for_the_rep(rep, portfolio, client_as):
    page = client_as(rep).get(_url("demand_create"), {"jv": portfolio["other"].pk})
    assert page.status_code == 200
    content = page.content.decode()
    assert f'<option value="{portfolio["other"].pk}"' not in content
    for hidden in HIDDEN_JV_NAMES:
        assert hidden not in content
    assert client_as(rep).get(_url("demand_create"), {"jv": "x'<"}).status_code == 200


# --- Attachments ----------------------------------------------------------------------------------


def test_an_attachment_is_stored_under_a_server_chosen_name_and_downloaded_as_uploaded(
    rep, portfolio, client_as, media
):
    name = "Site plan (v2).pdf"
    client = client_as(rep)
    response = client.post(_url("demand_create"), {**_raise_data(portfolio["own"]), "attachment": _pdf(name)})
    assert response.status_code == 302
    demand = Demand.objects.get()
    attachment = demand.attachments.get()
    # The uploader's name never reaches the disk: a random name under the demand's folder.
    assert re.fullmatch(rf"demands/{demand.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert [p.relative_to(media).as_posix() for p in stored_files(media)] == [attachment.file.name]
    assert (media / attachment.file.name).read_bytes() == PDF
    assert (attachment.original_name, attachment.size, attachment.content_type) == (
        "Site plan (v2).pdf",
        len(PDF),
        "application/pdf",
    )

    response, body = _download(client, attachment)
    assert response.status_code == 200
    assert body == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Site plan (v2).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # The detail page links it under its original name.
    assert "Site plan (v2).pdf</a>" in client.get(demand.get_absolute_url()).content.decode()


def test_a_download_keeps_a_chinese_file_name(rep, portfolio, client_as):
    demand = f.make_demand(portfolio["own"], rep, attachment=check_upload(_pdf("可行性报告.pdf")))
    response, body = _download(client_as(rep), demand.attachments.get())
    assert body == PDF
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('可行性报告.pdf')}"


# Each with the code of the error it gets under a limit of 1 MB.
REFUSED_UPLOADS = [
    pytest.param(lambda: _pdf("big.pdf", PDF + b"0" * (1024 * 1024)), "too_large", id="oversize"),
    pytest.param(lambda: SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "type", id="extension"),
    pytest.param(lambda: SimpleUploadedFile("x.pdf", b"just some text, not a PDF"), "content", id="content"),
    pytest.param(lambda: SimpleUploadedFile("photo.png", PDF), "content", id="pdf-named-png"),
]


@pytest.mark.parametrize(("make_upload", "code"), REFUSED_UPLOADS)
def test_a_refused_file_is_a_field_error_when_raising(
    make_upload, code, rep, portfolio, client_as, media, settings
):
    settings.PORTAL_MAX_UPLOAD_MB = 1
    upload = make_upload()
    response = client_as(rep).post(
        _url("demand_create"), {**_raise_data(portfolio["own"]), "attachment": upload}
    )
    assert response.status_code == 200
    assert error_codes(response.context["form"], "attachment") == [code]
    assert not Demand.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("make_upload", "code"), REFUSED_UPLOADS)
def test_a_refused_file_is_a_field_error_on_a_comment(
    make_upload, code, rep, portfolio, client_as, media, settings
):
    settings.PORTAL_MAX_UPLOAD_MB = 1
    demand = f.make_demand(portfolio["own"], rep)
    upload = make_upload()
    response = client_as(rep).post(
        _url("demand_comment", demand.pk), {"text": "附件见附", "visibility": "shared", "attachment": upload}
    )
    # The detail page again, with the comment box and its error.
    assert response.status_code == 200
    assert error_codes(response.context["comment_form"], "attachment") == [code]
    assert "The comment was not added: see below." in response.content.decode()
    assert list(demand.updates.values_list("kind", flat=True)) == [UpdateKind.RAISED]
    assert stored_files(media) == []


def test_the_upload_limit_is_read_from_the_settings(rep, portfolio, client_as, settings):
    """The control for the oversize case: the same file goes through under a larger limit."""
    settings.PORTAL_MAX_UPLOAD_MB = 2
    big = _pdf("big.pdf", PDF + b"0" * (1024 * 1024))
    response = client_as(rep).post(
        _url("demand_create"), {**_raise_data(portfolio["own"]), "attachment": big}
    )
    assert response.status_code == 302
    assert Demand.objects.get().attachments.get().size == len(PDF) + 1024 * 1024


@pytest.fixture
def files(portfolio, hq):
    """A demand of the rep's JV with a shared and an internal comment, each with a file; and a
    demand of the other JV with a file."""
    demand = f.make_demand(portfolio["own"], portfolio["rep"], title="本方需求")
    shared = services.demand_comment(
        demand=demand, actor=hq, text="共享意见 shared note", attachment=check_upload(_pdf("shared.pdf"))
    )
    internal = services.demand_comment(
        demand=demand,
        actor=hq,
        text="内部意见 internal note",
        visibility=Visibility.INTERNAL,
        attachment=check_upload(_pdf("internal-memo.pdf")),
    )
    other = f.make_demand(
        portfolio["other"], portfolio["other_rep"], attachment=check_upload(_pdf("other.pdf"))
    )
    return {
        "demand": demand,
        "shared": shared.attachments.get(),
        "internal": internal.attachments.get(),
        "other_demand": other,
        "other": other.attachments.get(),
    }


def test_the_rep_downloads_only_shared_files_of_their_jv(rep, hq, files, client_as):
    rep_client = client_as(rep)
    assert _download(rep_client, files["shared"])[1] == PDF
    assert rep_client.get(files["internal"].get_absolute_url()).status_code == 404
    assert rep_client.get(files["other"].get_absolute_url()).status_code == 404
    # The control: HQ downloads all three.
    hq_client = client_as(hq)
    for key in ("shared", "internal", "other"):
        assert _download(hq_client, files[key])[1] == PDF, key


def test_an_attachment_is_reached_only_through_its_demand(hq, files, client_as):
    """Another demand's file under this demand's address is not found, even for HQ."""
    url = _url("attachment_download", files["demand"].pk, files["other"].pk)
    assert client_as(hq).get(url).status_code == 404


def test_internal_comments_are_in_hqs_page_only(rep, hq, files, client_as):
    url = files["demand"].get_absolute_url()
    rep_page = client_as(rep).get(url).content.decode()
    hq_page = client_as(hq).get(url).content.decode()
    for text in ("共享意见 shared note", "shared.pdf"):
        assert text in rep_page
        assert text in hq_page
    for text in ("内部意见 internal note", "internal-memo.pdf", files["internal"].get_absolute_url()):
        assert text not in rep_page
        assert text in hq_page
    # The rep has no internal choice to make; HQ does.
    assert 'value="internal"' not in rep_page
    assert 'value="internal"' in hq_page


def test_hq_comments_internally_through_the_page(rep, hq, portfolio, client_as):
    demand = f.make_demand(portfolio["own"], rep)
    response = client_as(hq).post(
        _url("demand_comment", demand.pk), {"text": "预算待批", "visibility": "internal"}
    )
    assert (response.status_code, response.url) == (302, demand.get_absolute_url() + "#timeline")
    entry = demand.updates.get(kind=UpdateKind.COMMENT)
    assert (entry.text, entry.visibility, entry.author) == ("预算待批", Visibility.INTERNAL, hq)
    assert "预算待批" not in client_as(rep).get(demand.get_absolute_url()).content.decode()


def test_an_hq_comment_is_internal_unless_its_author_shares_it(rep, hq, portfolio, client_as):
    demand = f.make_demand(portfolio["own"], rep)
    page = client_as(hq).get(demand.get_absolute_url())
    form = page.context["comment_form"]
    assert form["visibility"].value() == Visibility.INTERNAL
    # What a browser sends for the box as rendered, with only the text typed in.
    data = {**form_data(form), "text": "先内部讨论"}
    client_as(hq).post(_url("demand_comment", demand.pk), data)
    entry = demand.updates.get(kind=UpdateKind.COMMENT)
    assert entry.visibility == Visibility.INTERNAL
    assert "先内部讨论" not in client_as(rep).get(demand.get_absolute_url()).content.decode()
    # Sharing is a choice the page shows before sending.
    html = page.content.decode()
    assert 'data-testid="share-warning"' in html and "Send to the representatives" in html


def test_a_rep_cannot_write_an_internal_comment(rep, portfolio, client_as):
    demand = f.make_demand(portfolio["own"], rep)
    response = client_as(rep).post(
        _url("demand_comment", demand.pk), {"text": "悄悄话", "visibility": "internal"}
    )
    assert response.status_code == 200
    assert "visibility" in response.context["comment_form"].errors
    assert not demand.updates.filter(kind=UpdateKind.COMMENT).exists()


# --- The workflow's pages ---------------------------------------------------------------------------


@pytest.fixture
def demand(portfolio, rep):
    return f.make_demand(portfolio["own"], rep, title="本方需求 Own demand")


def _state(demand) -> tuple:
    """What a refused form must leave alone: the row and its timeline."""
    row = Demand.objects.values().get(pk=demand.pk)
    return row, list(demand.updates.values()), Demand.history.filter(id=demand.pk).count()


def test_a_transition_page_shows_its_form(clerk, demand, client_as):
    page = client_as(clerk).get(_url("demand_transition", demand.pk, "accept"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["version"].value() == demand.version
    assert str(form.fields["note"].label) == "Message to the JV (optional)"
    content = page.content.decode()
    assert "The demand is now: Submitted." in content
    assert f'name="version" value="{demand.version}"' in content
    # The detail page links the actions the handler may take.
    detail = client_as(clerk).get(demand.get_absolute_url())
    assert [a.name for a in detail.context["actions"]] == ["accept", "reject"]


def test_a_missing_required_note_is_a_field_error_and_changes_nothing(clerk, demand, client_as):
    before = _state(demand)
    response = client_as(clerk).post(
        _url("demand_transition", demand.pk, "reject"), {"version": demand.version, "note": "  "}
    )
    assert response.status_code == 200
    assert error_codes(response.context["form"], "note") == ["required"]
    assert _state(demand) == before


def test_an_unknown_action_is_not_found(clerk, demand, client_as):
    assert client_as(clerk).get(_url("demand_transition", demand.pk, "teleport")).status_code == 404


def test_a_stale_transition_is_refused_with_the_note_kept_then_goes_through(clerk, demand, client_as):
    client = client_as(clerk)
    url = _url("demand_transition", demand.pk, "accept")
    data = rendered_form_data(client, url, note="已收到，下周联系 Will call")
    # Someone else changes the demand while the page is open.
    Demand.objects.filter(pk=demand.pk).update(version=F("version") + 1)
    before = _state(demand)

    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert str(CONCURRENT_EDIT_MESSAGE) in content
    assert "已收到，下周联系 Will call</textarea>" in content
    assert _state(demand) == before
    # The page now carries the current version, so submitting again (having looked) goes through.
    refreshed = form_data(response.context["form"])
    assert refreshed["version"] == str(demand.version + 1)
    assert refreshed["note"] == "已收到，下周联系 Will call"

    response = client.post(url, refreshed)
    assert (response.status_code, response.url) == (302, demand.get_absolute_url())
    assert "Done: Accept." in _messages(response)
    demand.refresh_from_db()
    assert (demand.status, demand.owner, demand.version) == (Status.ACCEPTED, clerk, before[0]["version"] + 1)
    assert demand.updates.get(kind=UpdateKind.STATUS).text == "已收到，下周联系 Will call"


def test_a_handler_action_is_refused_to_the_raiser(rep, demand, client_as):
    client = client_as(rep)
    assert client.get(_url("demand_transition", demand.pk, "accept")).status_code == 403
    # The raiser's own action is offered and works.
    assert [a.name for a in client.get(demand.get_absolute_url()).context["actions"]] == ["withdraw"]
    response = client.post(_url("demand_transition", demand.pk, "withdraw"), {"version": demand.version})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.WITHDRAWN


def test_a_demand_goes_through_the_workflow_on_its_pages(rep, clerk, demand, client_as):
    """Each step through its page, as the person who takes it; the detail page after each one."""
    steps = [
        (clerk, "accept", "", Status.ACCEPTED),
        (clerk, "start", "", Status.IN_PROGRESS),
        (clerk, "hold", "请提供营业执照 Licence please", Status.ON_HOLD),
        (rep, "resume", "已上传 Uploaded", Status.IN_PROGRESS),
        (clerk, "resolve", "已办结 Done", Status.RESOLVED),
        (rep, "reopen", "还缺一项 One thing missing", Status.IN_PROGRESS),
        (clerk, "resolve", "全部办结 All done", Status.RESOLVED),
    ]
    for user, action, note, status in steps:
        client = client_as(user)
        detail = client.get(demand.get_absolute_url())
        assert action in [a.name for a in detail.context["actions"]], (action, user)
        url = _url("demand_transition", demand.pk, action)
        response = client.post(url, rendered_form_data(client, url, note=note))
        assert response.status_code == 302, response.context and response.context["form"].errors
        demand.refresh_from_db()
        assert demand.status == status
        page = client.get(demand.get_absolute_url())
        assert page.status_code == 200
        assert f'data-testid="status">{Status(status).label}<' in page.content.decode()
    assert demand.resolution == "全部办结 All done"

    client = client_as(rep)
    url = _url("demand_rate", demand.pk)
    response = client.post(url, rendered_form_data(client, url, satisfaction=5))
    assert response.status_code == 302
    page = client.get(demand.get_absolute_url())
    content = page.content.decode()
    assert page.context["actions"] == []
    assert 'data-testid="satisfaction"' in content
    # Newest first.
    kinds = [e.kind for e in reversed(page.context["timeline"])]
    assert kinds == [
        UpdateKind.RAISED,
        UpdateKind.STATUS,
        UpdateKind.ASSIGNMENT,
        *[UpdateKind.STATUS] * 6,
        UpdateKind.RATING,
    ]
    for note in ("请提供营业执照 Licence please", "已上传 Uploaded", "还缺一项 One thing missing"):
        assert note in content


@pytest.mark.parametrize(("action", "status"), [("reject", Status.REJECTED), ("withdraw", Status.WITHDRAWN)])
def test_a_closed_demand_offers_nothing_more(action, status, rep, clerk, demand, client_as):
    actor = clerk if action == "reject" else rep
    services.demand_transition(demand=demand, action=action, actor=actor, note="不在范围内 Out of scope")
    for user in (rep, clerk):
        page = client_as(user).get(demand.get_absolute_url())
        assert page.status_code == 200
        assert (page.context["actions"], page.context["can_route"], page.context["can_edit"]) == (
            [],
            False,
            False,
        )
    assert client_as(clerk).get(_url("demand_route", demand.pk)).status_code == 403
    assert client_as(clerk).get(_url("demand_update", demand.pk)).status_code == 403


def test_the_timeline_shows_escalations_to_hq_only(rep, hq, demand, client_as):
    Demand.objects.filter(pk=demand.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=30),
        warn_at=timezone.now() - datetime.timedelta(days=31),
    )
    services.demand_deadlines_sweep()
    assert demand.updates.filter(kind=UpdateKind.ESCALATION).exists()
    hq_page = client_as(hq).get(demand.get_absolute_url()).content.decode()
    rep_page = client_as(rep).get(demand.get_absolute_url()).content.decode()
    assert 'data-kind="escalation"' in hq_page
    assert 'data-kind="escalation"' not in rep_page
    # The badge on the demand itself is no secret: both see it is overdue. How far up HQ's ladder
    # it climbed is HQ's business.
    assert 'data-testid="overdue"' in rep_page
    assert 'data-testid="escalation"' in hq_page
    assert 'data-testid="escalation"' not in rep_page


@pytest.fixture
def policy_department(db):
    return f.DepartmentFactory(code="policy", name="政策部", name_en="Policy Dept")


def test_routing_to_an_owner_outside_the_department_is_an_error_on_owner(
    leader, clerk, demand, policy_department, client_as
):
    client = client_as(leader)
    url = _url("demand_route", demand.pk)
    before = _state(demand)
    data = rendered_form_data(client, url, department=policy_department.pk, owner=clerk.pk, priority="urgent")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"owner": ["The owner must belong to the chosen department."]}
    assert _state(demand) == before

    # The control: an owner of that department is accepted, and the deadlines follow the priority.
    alice = f.make_user(Role.HQ_STAFF, username="alice", department=policy_department)
    response = client.post(url, {**data, "owner": alice.pk})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.department, demand.owner, demand.priority) == (policy_department, alice, "urgent")
    assert demand.acknowledge_by < before[0]["acknowledge_by"]
    assert set(demand.updates.values_list("kind", flat=True)) == {
        UpdateKind.RAISED,
        UpdateKind.ASSIGNMENT,
        UpdateKind.PRIORITY,
    }


def test_the_owner_dropdown_lists_only_active_hq_staff(leader, clerk, demand, client_as):
    f.make_user(Role.HQ_STAFF, username="gone", department=clerk.department, is_active=False)
    form = client_as(leader).get(_url("demand_route", demand.pk)).context["form"]
    assert list(form.fields["owner"].queryset) == [clerk]


def test_a_stale_edit_is_refused_with_the_input_kept_then_goes_through(rep, demand, client_as):
    client = client_as(rep)
    url = _url("demand_update", demand.pk)
    data = rendered_form_data(client, url, title="改过的标题 Edited")
    Demand.objects.filter(pk=demand.pk).update(version=F("version") + 1)
    before = _state(demand)

    response = client.post(url, data)
    assert response.status_code == 200
    assert str(CONCURRENT_EDIT_MESSAGE) in response.content.decode()
    assert response.context["form"]["title"].value() == "改过的标题 Edited"
    assert _state(demand) == before

    refreshed = form_data(response.context["form"])
    assert refreshed["version"] == str(demand.version + 1)
    response = client.post(url, refreshed)
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.title, demand.version) == ("改过的标题 Edited", before[0]["version"] + 1)
    assert demand.updates.filter(kind=UpdateKind.EDIT).count() == 1


def test_the_raiser_may_edit_only_while_submitted(rep, clerk, demand, client_as):
    services.demand_transition(demand=demand, action="accept", actor=clerk)
    assert client_as(rep).get(_url("demand_update", demand.pk)).status_code == 403
    # The handler still may.
    assert client_as(clerk).get(_url("demand_update", demand.pk)).status_code == 200


def test_the_rep_rates_a_resolved_demand(rep, clerk, demand, client_as):
    for action, note in (("accept", ""), ("resolve", "已对接三家渠道商。")):
        services.demand_transition(demand=demand, action=action, actor=clerk, note=note)
    client = client_as(rep)
    detail = client.get(demand.get_absolute_url())
    assert 'data-testid="rate-prompt"' in detail.content.decode()
    url = _url("demand_rate", demand.pk)
    assert "已对接三家渠道商。" in client.get(url).content.decode()
    response = client.post(url, rendered_form_data(client, url, satisfaction=4, comment="满意"))
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.status, demand.satisfaction, demand.rated_by) == (Status.CLOSED, 4, rep)


# --- The list -----------------------------------------------------------------------------------


def _this_week_later(now):
    """A moment after ``now`` and before next Monday, Beijing time."""
    today = timezone.localtime(now, local_zone()).date()
    monday = today - datetime.timedelta(days=today.weekday())
    next_monday = datetime.datetime.combine(
        monday + datetime.timedelta(days=7), datetime.time.min, tzinfo=local_zone()
    )
    return now + (next_monday - now) / 2


@pytest.fixture
def listing(portfolio, clerk, policy_department):
    """Six demands that differ in everything the list filters on.

    ``clerk`` works in the market department (the rep's JV's); ``alice`` in the policy one.
    """
    now = timezone.now()
    market = clerk.department
    alice = f.make_user(Role.HQ_STAFF, username="alice", display_name="Alice", department=policy_department)
    colleague = f.make_representative_user(portfolio["own"], username="colleague")
    own, other = portfolio["own"], portfolio["other"]
    rows = {
        "Alpha": (own, portfolio["rep"], "market", "normal", {
            "status": Status.SUBMITTED, "department": market, "owner": None,
            "due_at": now - datetime.timedelta(days=8),
        }),
        "Bravo": (own, colleague, "policy", "high", {
            "status": Status.ACCEPTED, "department": policy_department, "owner": alice,
            "due_at": _this_week_later(now),
        }),
        "Charlie": (other, portfolio["other_rep"], "research", "urgent", {
            "status": Status.ON_HOLD, "department": policy_department, "owner": clerk, "due_at": None,
        }),
        "Delta 融资": (other, portfolio["other_rep"], "financing", "low", {
            "status": Status.RESOLVED, "resolution": "Done.", "department": None, "owner": None,
            "due_at": None,
        }),
        "Echo": (own, portfolio["rep"], "land", "normal", {
            "status": Status.REJECTED, "rejection_reason": "Out of scope.", "department": market,
            "owner": None, "due_at": None,
        }),
        "Foxtrot": (own, colleague, "talent", "low", {
            "status": Status.IN_PROGRESS, "department": market, "owner": None,
            "due_at": now + datetime.timedelta(days=8),
        }),
    }  # fmt: skip
    made = {}
    for title, (jv, raiser, category, priority, fields) in rows.items():
        demand = f.make_demand(jv, raiser, title=title, category=category, priority=priority)
        Demand.objects.filter(pk=demand.pk).update(**fields)
        made[title] = demand
    return {**made, "alice": alice, "colleague": colleague}


def _titles(client, **query) -> set[str]:
    response = client.get(_url("demand_list"), query)
    assert response.status_code == 200
    form = response.context["filter"].form
    assert not form.is_bound or form.is_valid(), form.errors
    return {d.title for d in response.context["object_list"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"Alpha", "Bravo", "Charlie", "Delta 融资", "Echo", "Foxtrot"}),
        ({"status": "open"}, {"Alpha", "Bravo", "Charlie", "Foxtrot"}),
        ({"status": "in_progress"}, {"Foxtrot"}),
        ({"status": "on_hold"}, {"Charlie"}),
        ({"status": "rejected"}, {"Echo"}),
        ({"category": "policy"}, {"Bravo"}),
        ({"priority": "urgent"}, {"Charlie"}),
        ({"due": "overdue"}, {"Alpha"}),
        ({"due": "week"}, {"Bravo"}),
        ({"q": "bravo"}, {"Bravo"}),
        ({"q": "融资"}, {"Delta 融资"}),
        ({"q": "nothing like this"}, set()),
        ({"status": "open", "priority": "normal"}, {"Alpha"}),
    ],
)
def test_the_list_filters(query, expected, hq, listing, client_as):
    assert _titles(client_as(hq), **query) == expected


def test_the_list_filters_by_department_and_owner(hq, listing, clerk, policy_department, client_as):
    client = client_as(hq)
    assert _titles(client, department=policy_department.pk) == {"Bravo", "Charlie"}
    assert _titles(client, department=clerk.department.pk) == {"Alpha", "Echo", "Foxtrot"}
    assert _titles(client, owner=listing["alice"].pk) == {"Bravo"}


def test_the_list_finds_a_demand_by_its_reference(hq, listing, client_as):
    delta = listing["Delta 融资"]
    client = client_as(hq)
    assert delta.reference == f"D-{delta.pk:05d}"
    assert _titles(client, q=delta.reference) == {"Delta 融资"}
    assert _titles(client, q=delta.reference.lower()) == {"Delta 融资"}
    assert _titles(client, q=str(delta.pk)) == {"Delta 融资"}


@pytest.mark.parametrize("q", ["²", "D-²", "D-", "99999999999999999999", "D-00000"])
def test_odd_searches_find_nothing_and_do_not_fail(q, hq, listing, client_as):
    """A superscript two passes str.isdigit() but not int(): such a search was a server error."""
    assert _titles(client_as(hq), q=q) == set()


def test_my_queue_is_what_i_own_or_my_department_has(clerk, listing, client_as):
    # Charlie is owned by the clerk in another department; the others are the department's.
    assert _titles(client_as(clerk), scope="mine") == {"Alpha", "Charlie", "Echo", "Foxtrot"}
    assert _titles(client_as(listing["alice"]), scope="mine") == {"Bravo", "Charlie"}


def test_my_demands_are_the_ones_i_raised(rep, listing, client_as):
    client = client_as(rep)
    # The rep sees their JV's demands, the colleague's too; "mine" are the rep's own.
    assert _titles(client) == {"Alpha", "Bravo", "Echo", "Foxtrot"}
    assert _titles(client, scope="mine") == {"Alpha", "Echo"}
    assert _titles(client_as(listing["colleague"]), scope="mine") == {"Bravo", "Foxtrot"}
    page = client.get(_url("demand_list"), {"scope": "mine"})
    assert '<a class="nav-link active" href="?scope=mine">My demands</a>' in page.content.decode()


def test_the_reps_filters_apply_within_their_jv(rep, listing, client_as):
    client = client_as(rep)
    assert _titles(client, status="open") == {"Alpha", "Bravo", "Foxtrot"}
    assert _titles(client, priority="urgent") == set()
    form = client.get(_url("demand_list")).context["filter"].form
    # Dropdowns name only the departments and owners of demands the rep sees.
    assert {d.code for d in form.fields["department"].queryset} == {
        listing["Alpha"].jv.department.code,
        "policy",
    }
    assert list(form.fields["owner"].queryset) == [listing["alice"]]


def test_overdue_rows_are_marked(hq, listing, client_as):
    content = client_as(hq).get(_url("demand_list")).content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", content, flags=re.S)
    marked = [row for row in rows if 'data-testid="overdue"' in row]
    assert len(marked) == 1
    assert ">Alpha</a>" in marked[0]
    assert 'class="table-danger"' in marked[0]


def test_the_filter_form_gets_only_the_table_back(hq, listing, client_as):
    response = client_as(hq).get(_url("demand_list"), {"status": "open"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'data-testid="filter-form"' not in content
    assert 'data-testid="demand-table"' in content
    assert content.count("<tbody>") == 1
    assert {d.title for d in response.context["object_list"]} == {"Alpha", "Bravo", "Charlie", "Foxtrot"}


def test_the_empty_list_says_so(hq, portfolio, client_as):
    client = client_as(hq)
    content = client.get(_url("demand_list")).content.decode()
    assert 'data-testid="empty"' in content
    assert "No demand has been raised yet." in content
    f.make_demand(portfolio["own"], portfolio["rep"], title="只有一条")
    content = client.get(_url("demand_list"), {"q": "nothing like this"}).content.decode()
    assert "No demand matches these filters." in content
    assert "只有一条" in client.get(_url("demand_list")).content.decode()


def test_a_user_without_a_role_sees_an_empty_list(nobody, listing, client_as):
    response = client_as(nobody).get(_url("demand_list"))
    assert list(response.context["object_list"]) == []
    assert "No demand has been raised yet." in response.content.decode()


# --- Query budgets --------------------------------------------------------------------------------


def _many_demands(portfolio, n, owner):
    for i in range(n):
        jv = portfolio["own"] if i % 2 else portfolio["other"]
        raiser = portfolio["rep"] if i % 2 else portfolio["other_rep"]
        demand = f.make_demand(jv, raiser, title=f"需求 {i}")
        Demand.objects.filter(pk=demand.pk).update(owner=owner)


@pytest.mark.parametrize(
    "query", ["", "?status=open", "?due=overdue", "?ordering=-due", "?ordering=priority"]
)
@pytest.mark.parametrize("n", [5, 30])
def test_the_list_query_budget(n, query, hq, clerk, portfolio, client_as, django_assert_max_num_queries):
    _many_demands(portfolio, n, owner=clerk)
    if "overdue" in query:
        Demand.objects.update(due_at=timezone.now() - datetime.timedelta(days=1))
    client = client_as(hq)
    # 7 queries however many demands (30 fill more than a page), whatever the filter or sort:
    # the user with their roles (the session is read from the cache); the page count; the filter form's JV, department and owner
    # choices (one each); the page of demands (JV, department, owner and raiser joined); the bell's
    # unread count. One of slack.
    with django_assert_max_num_queries(8):
        response = client.get(_url("demand_list") + query)
    assert len(response.context["object_list"]) == min(n, 25)


def test_a_sort_breaks_ties_by_id_so_pages_never_overlap(hq, clerk, portfolio, client_as, settings):
    """Sorted by priority (all alike here), the pages follow the id: each demand shows once."""
    settings.PORTAL_PAGE_SIZE = 4
    _many_demands(portfolio, 10, owner=clerk)
    client = client_as(hq)
    for ordering, reverse_ids in (("priority", False), ("-priority", True)):
        seen = []
        for page in (1, 2, 3):
            response = client.get(_url("demand_list") + f"?ordering={ordering}&page={page}")
            seen += [d.pk for d in response.context["object_list"]]
        assert seen == sorted(Demand.objects.values_list("pk", flat=True), reverse=reverse_ids)


@pytest.mark.parametrize("n", [5, 30])
def test_the_list_query_budget_for_a_representative(
    n, rep, clerk, portfolio, client_as, django_assert_max_num_queries
):
    """A representative's scope is a subquery, not a query per JV or per demand."""
    _many_demands(portfolio, n, owner=clerk)
    client = client_as(rep)
    # The same as HQ's.
    with django_assert_max_num_queries(8):
        response = client.get(_url("demand_list"))
    assert len(response.context["object_list"]) == n // 2


@pytest.mark.parametrize("n", [3, 20])
def test_the_detail_query_budget(n, hq, clerk, portfolio, client_as, django_assert_max_num_queries):
    rep = portfolio["rep"]
    demand = f.make_demand(portfolio["own"], rep, attachment=check_upload(_pdf("first.pdf")))
    authors = [rep, clerk, hq]
    for i in range(n - 1):
        author = authors[i % 3]
        services.demand_comment(
            demand=demand,
            actor=author,
            text=f"意见 {i}",
            visibility=Visibility.INTERNAL if author != rep and i % 2 else Visibility.SHARED,
            attachment=check_upload(_pdf(f"file-{i}.pdf")) if i % 2 else None,
        )
    client = client_as(hq)
    # 6 queries however long the timeline: the user with their roles; the demand (JV, liaison,
    # department, head, owner, raiser, rater and SLA policy joined); the timeline (authors joined)
    # and its attachments (one prefetch); the calendar's exceptions for the deadlines; the bell's
    # unread count. One of slack.
    with django_assert_max_num_queries(7):
        response = client.get(demand.get_absolute_url())
    assert len(response.context["timeline"]) == n
    assert response.content.decode().count('data-testid="timeline-entry"') == n


# --- The SLA report and its exports -----------------------------------------------------------------


def _beijing(day: int, month: int = 3, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, tzinfo=local_zone())


@pytest.fixture
def record(portfolio, clerk):
    """Four demands of the rep's JV raised on Monday 3 March 2025, and one of the other JV.

    Acknowledged after 1, 2 and 4 working days (one never); resolved after 4 working days (on
    time) and 22 (after the 20-day resolve-by of the normal priority); rated 5 and 2.
    """
    rep = portfolio["rep"]
    monday = _beijing(3)

    def raise_(title):
        return f.make_demand(portfolio["own"], rep, title=title, at=monday)

    def move(demand, action, at, note=""):
        return services.demand_transition(demand=demand, action=action, actor=clerk, note=note, at=at)

    fast = raise_("快")
    move(fast, "accept", _beijing(4))  # Tuesday: 1 working day
    move(fast, "resolve", _beijing(7), "Done.")  # Friday: 4
    services.demand_rate(demand=fast, actor=rep, satisfaction=5, at=_beijing(10))

    slow = raise_("慢")
    move(slow, "accept", _beijing(5))  # Wednesday: 2
    move(slow, "resolve", _beijing(2, month=4), "Finally.")  # Wednesday 2 April: 22
    services.demand_rate(demand=slow, actor=rep, satisfaction=2, at=_beijing(3, month=4))

    working = raise_("进行中")
    move(working, "accept", _beijing(7))  # Friday: 4

    raise_("未确认")

    f.make_demand(portfolio["other"], portfolio["other_rep"], title="他方 Hidden", category="policy")
    return {"fast": fast, "slow": slow}


# The rep's JV's row: 4 demands, 2 open; acknowledged in [1, 2, 4] working days (median 2, 90th
# percentile 2 + 0.8 * (4 - 2) = 3.6); resolved in [4, 22] (median 13, 90th percentile
# 4 + 0.9 * 18 = 20.2); 2 resolved, 1 within the SLA (50%); satisfaction (5 + 2) / 2.
OWN_ROW = ["4", "2", "2.0", "3.6", "13.0", "20.2", "2", "50.0", "3.5", "2"]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_report_figures(hq, portfolio, record, client_as):
    response = client_as(hq).get(_url("demand_report"), {"by": "jv", "year": "2025"})
    report = response.context["report"]
    assert (report["by"], report["year"]) == ("jv", 2025)
    # The other JV's demand was raised this year, not in 2025.
    [row] = report["rows"]
    assert row.label == "Own Venture Co., Ltd."
    figures = [
        row.count,
        row.open,
        row.acknowledge_median,
        row.acknowledge_p90,
        row.resolve_median,
        row.resolve_p90,
        row.resolved,
        row.within_sla_share,
        row.satisfaction,
        row.rated,
    ]
    assert [str(v) for v in figures] == OWN_ROW
    content = response.content.decode()
    assert "50.0% <span" in content
    assert "(1/2)" in content
    assert "3.5 <span" in content


def test_the_report_counts_every_year_without_a_year(hq, record, client_as):
    report = client_as(hq).get(_url("demand_report"), {"by": "jv"}).context["report"]
    assert {row.label: row.count for row in report["rows"]} == {
        "Own Venture Co., Ltd.": 4,
        "Hidden Venture Co., Ltd.": 1,
    }
    assert report["total"].count == 5


def test_the_csv_export_has_the_same_figures(hq, record, client_as):
    response = client_as(hq).get(_url("demand_report_export", "csv"), {"by": "jv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="demand-report-jv-all.csv"'
    rows = _csv(response)
    assert rows[0][0] == "Joint venture"
    assert len(rows[0]) == 11
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Own Venture Co., Ltd."] == OWN_ROW
    # Not acknowledged yet: no time to report, an empty cell rather than "None".
    assert by_label["Hidden Venture Co., Ltd."] == ["1", "1", "", "", "", "", "0", "", "", "0"]
    assert by_label["All"][0] == "5"


def test_the_xlsx_export_has_the_same_figures(hq, record, client_as):
    response = client_as(hq).get(_url("demand_report_export", "xlsx"), {"by": "jv", "year": "2025"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="demand-report-jv-2025.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Joint venture"
    assert rows[1] == ["Own Venture Co., Ltd.", 4, 2, 2.0, 3.6, 13.0, 20.2, 2, 50.0, 3.5, 2]
    assert rows[2][0] == "All"
    assert len(rows) == 3
    # Every year: the other JV's demand has no times yet, empty cells.
    response = client_as(hq).get(_url("demand_report_export", "xlsx"), {"by": "jv"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Hidden Venture Co., Ltd."] == [1, 1, None, None, None, None, 0, None, None, 0]
    assert rows["All"][0] == 5


@pytest.mark.parametrize("by", ["jv", "department", "category"])
def test_the_reps_export_leaves_out_the_other_jv(by, rep, hq, record, client_as):
    rep_rows = _csv(client_as(rep).get(_url("demand_report_export", "csv"), {"by": by}))
    hq_rows = _csv(client_as(hq).get(_url("demand_report_export", "csv"), {"by": by}))
    rep_text = "\n".join(",".join(row) for row in rep_rows)
    for hidden in ["Hidden Venture Co., Ltd.", "他方合资公司", "Policy support"]:
        assert hidden not in rep_text
    assert rep_rows[-1][:2] == ["All", "4"]
    # The control: HQ's export counts the other JV's demand.
    assert hq_rows[-1][:2] == ["All", "5"]


def test_an_unknown_export_format_is_not_found(hq, client_as):
    client = client_as(hq)
    for fmt in ("pdf", "json", "CSV"):
        assert client.get(_url("demand_report_export", fmt)).status_code == 404


@pytest.mark.parametrize("year", ["²", "99999", "0", "abc", "-2025"])
def test_a_year_the_report_cannot_use_reports_every_year(year, hq, record, client_as):
    """A superscript two (a digit int() refuses) and 99999 (beyond datetime) were server errors."""
    client = client_as(hq)
    report = client.get(_url("demand_report"), {"by": "jv", "year": year}).context["report"]
    assert (report["year"], report["total"].count) == (None, 5)
    response = client.get(_url("demand_report_export", "csv"), {"by": "jv", "year": year})
    assert _csv(response)[-1][:2] == ["All", "5"]


def test_an_unknown_grouping_falls_back_to_departments(hq, record, client_as):
    report = client_as(hq).get(_url("demand_report"), {"by": "secret", "year": "nope"}).context["report"]
    assert (report["by"], report["year"]) == ("department", None)


# --- The JV page's panel --------------------------------------------------------------------------


def test_the_jv_page_shows_its_demands_and_sla_record(rep, hq, clerk, portfolio, client_as):
    own = portfolio["own"]
    late = f.make_demand(own, rep, title="逾期需求 Late")
    Demand.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    done = f.make_demand(own, rep, title="已完成 Done")
    for action, note in (("accept", ""), ("resolve", "Done.")):
        services.demand_transition(demand=done, action=action, actor=clerk, note=note)
    services.demand_rate(demand=done, actor=rep, satisfaction=4)
    f.make_demand(portfolio["other"], portfolio["other_rep"], title="他方需求 Hidden demand")

    for user in (rep, hq):
        page = client_as(user).get(reverse("ventures:venture_detail", args=[own.pk]))
        [panel] = [
            p for p in page.context["panels"] if p["template"] == "demands/includes/venture_panel.html"
        ]
        assert [d.title for d in panel["open_demands"]] == ["逾期需求 Late"]
        stats = panel["stats"]
        assert (stats["total"], stats["open"], stats["overdue"]) == (2, 1, 1)
        assert (stats["on_time_share"], stats["satisfaction"]) == (100, 4)
        content = page.content.decode()
        assert 'data-testid="venture-demands"' in content
        assert "逾期需求 Late" in content
        assert "已完成 Done" not in content  # closed: in the record, not in the open list
        assert "他方需求 Hidden demand" not in content
        assert f"{reverse('demands:demand_create')}?jv={own.pk}" in content


def test_the_reps_jv_page_never_names_the_other_jvs_demands(rep, hq, portfolio, client_as):
    """The rep's JV page and the demands pages they reach, with a demand in each JV."""
    f.make_demand(portfolio["own"], rep, title="本方需求 Own demand")
    other = f.make_demand(portfolio["other"], portfolio["other_rep"], title="他方需求 Hidden demand")
    client = client_as(rep)
    for url, shown in (
        (reverse("ventures:venture_detail", args=[portfolio["own"].pk]), "本方需求 Own demand"),
        (_url("demand_list"), "本方需求 Own demand"),
        (_url("demand_report") + "?by=jv", "Own Venture Co., Ltd."),
    ):
        content = client.get(url).content.decode()
        assert shown in content, url
        assert "他方需求 Hidden demand" not in content, url
        assert "Hidden Venture Co., Ltd." not in content, url
        assert other.reference not in content, url
    # The control: HQ's list does show it.
    assert "他方需求 Hidden demand" in client_as(hq).get(_url("demand_list")).content.decode()


def test_the_jv_panel_counts_only_its_jv(hq, portfolio, client_as):
    """The panel counts only the page's JV, whoever looks."""
    f.make_demand(portfolio["other"], portfolio["other_rep"])
    page = client_as(hq).get(reverse("ventures:venture_detail", args=[portfolio["own"].pk]))
    [panel] = [p for p in page.context["panels"] if "stats" in p]
    assert panel["stats"]["total"] == 0
    assert "No open demand." in page.content.decode()


# --- Stale links, long file names, formula-like names ---------------------------------------------


def test_a_stale_action_link_leads_back_to_the_demand_with_a_reason(rep, clerk, demand, client_as):
    """The accept page, opened after someone else accepted, says why and shows the demand."""
    client = client_as(clerk)
    services.demand_transition(demand=demand, action="accept", actor=clerk)
    response = client.get(_url("demand_transition", demand.pk, "accept"))
    assert response.status_code == 302
    assert response.url == demand.get_absolute_url()
    assert any("cannot be moved that way now" in m for m in _messages(response))
    # The rate page likewise, before the demand is resolved.
    response = client_as(rep).get(_url("demand_rate", demand.pk))
    assert response.status_code == 302
    assert response.url == demand.get_absolute_url()


def test_a_long_file_name_keeps_its_extension():
    checked = check_upload(_pdf(name="报告" * 200 + ".pdf"))
    assert checked.original_name.endswith(".pdf")
    assert len(checked.original_name) <= 255


def test_a_name_that_looks_like_a_formula_is_exported_as_text(hq, portfolio, client_as):
    portfolio["own"].department.name = "=HYPERLINK(1)"
    portfolio["own"].department.name_en = "=HYPERLINK(1)"
    portfolio["own"].department.save()
    f.make_demand(portfolio["own"], hq)
    rows = _csv(client_as(hq).get(_url("demand_report_export", "csv") + "?by=department"))
    labels = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in labels
    assert "=HYPERLINK(1)" not in labels


# --- The home page's demands panel ----------------------------------------------------------------------


def _demands_panel(page):
    [panel] = [p for p in page.context["panels"] if p["template"] == "demands/includes/home_panel.html"]
    return panel


def test_the_home_panel_counts_what_each_person_owes(rep, clerk, hq, nobody, portfolio, client_as):
    mine = f.make_demand(portfolio["own"], rep, title="我的需求")
    f.make_demand(portfolio["own"], rep, title="已办结")
    f.make_demand(portfolio["other"], portfolio["other_rep"], title="他方需求")
    resolved = Demand.objects.get(title="已办结")
    services.demand_transition(demand=resolved, action="accept", actor=clerk)
    services.demand_transition(demand=resolved, action="resolve", actor=clerk, note="Done.")
    Demand.objects.filter(pk=mine.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))

    rep_panel = _demands_panel(client_as(rep).get(reverse("home")))
    # The rep raised two: both open or resolved in their JV; the other JV's demand is not counted.
    assert rep_panel["stats"]["open"] == 1
    assert rep_panel["stats"]["overdue"] == 1
    assert rep_panel["stats"]["to_rate"] == 1

    # The clerk's department owns the rep's JV: its two demands are in the clerk's queue, and only those.
    clerk_page = client_as(clerk).get(reverse("home"))
    assert _demands_panel(clerk_page)["stats"]["open"] == 1
    assert 'data-testid="home-demands"' in clerk_page.content.decode()

    # A user without a role has no panel at all.
    assert client_as(nobody).get(reverse("home")).context["panels"] == []


def test_each_home_panel_figure_equals_the_list_it_links_to(hq, clerk, rep, listing, client_as):
    """ "Due this week" (and "overdue") mean one thing: the figure is the count of the linked list.
    One demand was due earlier this week (overdue now, not "due this week")."""
    now = timezone.now()
    today = timezone.localtime(now, local_zone()).date()
    monday = datetime.datetime.combine(
        today - datetime.timedelta(days=today.weekday()), datetime.time.min, tzinfo=local_zone()
    )
    earlier = (
        max(monday, now - datetime.timedelta(days=7))
        + (now - max(monday, now - datetime.timedelta(days=7))) / 2
    )
    Demand.objects.filter(pk=listing["Foxtrot"].pk).update(due_at=earlier)
    for user in (hq, clerk, rep):
        client = client_as(user)
        page = client.get(reverse("home"))
        panel = _demands_panel(page)
        html = page.content.decode()
        for figure, due in (("due_this_week", "week"), ("overdue", "overdue")):
            query = {"due": due, **({"scope": "mine"} if panel["scope"] else {})}
            listed = client.get(_url("demand_list"), query).context["paginator"].count
            assert panel["stats"][figure] == listed, (user.username, figure)
            assert ("scope=mine&amp;" if panel["scope"] else "") + f"due={due}" in html


# --- A form that comes back without its version is refused, visibly ---------------------------------


@pytest.mark.parametrize("version", [None, "", "abc"], ids=["missing", "empty", "garbled"])
def test_an_action_without_a_usable_version_is_refused_visibly_then_goes_through(
    version, clerk, demand, client_as
):
    client = client_as(clerk)
    url = _url("demand_transition", demand.pk, "accept")
    data = {"note": "收到 Received"}
    if version is not None:
        data["version"] = version
    before = _state(demand)

    response = client.post(url, data)
    assert response.status_code == 200
    assert str(CONCURRENT_EDIT_MESSAGE) in response.content.decode()
    assert _state(demand) == before
    # The refused page carries the current version: submitting it again goes through.
    response = client.post(url, form_data(response.context["form"]))
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.ACCEPTED


def test_an_assignment_without_a_version_never_overwrites(clerk, demand, client_as):
    client = client_as(clerk)
    data = rendered_form_data(client, _url("demand_route", demand.pk), priority="urgent")
    del data["version"]
    before = _state(demand)
    response = client.post(_url("demand_route", demand.pk), data)
    assert response.status_code == 200
    assert str(CONCURRENT_EDIT_MESSAGE) in response.content.decode()
    assert _state(demand) == before


def test_the_report_keeps_two_departments_of_the_same_name_apart(hq, portfolio, client_as):
    # Chinese names are unique; English ones need not be, and an English reader sees those.
    hq.language = "en"
    hq.save(update_fields=["language"])
    twin = f.DepartmentFactory(name="另一个部门", name_en=portfolio["own"].department.name_en)
    portfolio["other"].department = twin
    portfolio["other"].save()
    f.make_demand(portfolio["own"], hq)
    f.make_demand(portfolio["other"], hq)
    rows = client_as(hq).get(_url("demand_report") + "?by=department").context["report"]["rows"]
    assert [(r.label, r.count) for r in rows] == [(twin.name_en, 1), (twin.name_en, 1)]


def test_the_jv_panel_counts_every_demand_while_it_lists_ten_and_a_jv_without_any_shows_zeros(
    rep, hq, portfolio, client_as
):
    """The figures count every demand of the JV, the list shows ten open ones."""
    own = portfolio["own"]

    def panel():
        page = client_as(hq).get(reverse("ventures:venture_detail", args=[own.pk]))
        [found] = [
            p for p in page.context["panels"] if p["template"] == "demands/includes/venture_panel.html"
        ]
        return found

    empty = panel()
    assert empty["open_demands"] == []
    assert (empty["stats"]["total"], empty["stats"]["open"], empty["stats"]["satisfaction"]) == (0, 0, None)
    for i in range(12):
        f.make_demand(own, rep, title=f"需求 {i}")
    rejected = f.make_demand(own, rep, title="已驳回")
    Demand.objects.filter(pk=rejected.pk).update(status=Status.REJECTED, rejection_reason="重复")
    full = panel()
    assert len(full["open_demands"]) == 10
    assert "已驳回" not in [d.title for d in full["open_demands"]]
    assert (full["stats"]["total"], full["stats"]["open"]) == (13, 12)
