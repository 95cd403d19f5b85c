"""Six demo representatives with appointments; one sits on two boards, one left a JV."""

import datetime

from django.utils import timezone

from .choices import SeatRole
from .models import Appointment, Representative
from .services import appointment_terms_sweep

REPRESENTATIVES = [
    # username, name, English name, employer key, position
    ("rep", "李明", "Li Ming", "equipment", "装备公司副总经理"),
    ("rep2", "张伟", "Zhang Wei", "group", "集团投资管理部副部长"),
    ("rep3", "陈静", "Chen Jing", "equipment", "装备公司财务总监"),
    ("rep4", "杨帆", "Yang Fan", "group", "集团战略发展部部长"),
    ("rep5", "黄磊", "Huang Lei", "electric", "电气公司总经理助理"),
    ("rep6", "周婷", "Zhou Ting", "electric", "电气公司副总经理"),
]

APPOINTMENTS = [
    # username, venture key, role, start, term end, end
    ("rep", "otis", SeatRole.DIRECTOR, datetime.date(2023, 6, 1), datetime.date(2026, 12, 31), None),
    ("rep", "siemens", SeatRole.VICE_CHAIRMAN, datetime.date(2024, 3, 15), datetime.date(2027, 3, 14), None),
    ("rep2", "prysmian", SeatRole.CHAIRMAN, datetime.date(2022, 9, 1), datetime.date(2025, 8, 31), None),
    (
        "rep2",
        "shensteel",
        SeatRole.DIRECTOR,
        datetime.date(2019, 4, 1),
        datetime.date(2022, 3, 31),
        datetime.date(2024, 6, 30),
    ),
    ("rep3", "daqiao", SeatRole.SUPERVISOR, datetime.date(2024, 1, 1), datetime.date(2026, 12, 31), None),
    ("rep3", "otis", SeatRole.CFO, datetime.date(2025, 1, 1), datetime.date(2027, 12, 31), None),
    ("rep4", "blade", SeatRole.CHAIRMAN, datetime.date(2023, 11, 1), datetime.date(2026, 10, 31), None),
    (
        "rep5",
        "shensteel",
        SeatRole.GENERAL_MANAGER,
        datetime.date(2024, 7, 1),
        datetime.date(2027, 6, 30),
        None,
    ),
    (
        "rep6",
        "aixin",
        SeatRole.EQUITY_REPRESENTATIVE,
        datetime.date(2025, 2, 1),
        datetime.date(2028, 1, 31),
        None,
    ),
    ("rep6", "siemens", SeatRole.SUPERVISOR, datetime.date(2024, 3, 15), datetime.date(2027, 3, 14), None),
]


def seed(ctx: dict) -> None:
    users = ctx["users"]
    parties = ctx["parties"]
    ventures = ctx["ventures"]
    people = {}
    for username, name, name_en, employer, position in REPRESENTATIVES:
        people[username], _ = Representative.objects.get_or_create(
            user=users[username],
            defaults={
                "name": name,
                "name_en": name_en,
                "employer": parties[employer],
                "position": position,
                "email": f"{username}@example.com",
            },
        )
    for username, venture, role, start, term_end, end in APPOINTMENTS:
        Appointment.objects.get_or_create(
            representative=people[username],
            jv=ventures[venture],
            role=role,
            start_date=start,
            defaults={"term_end": term_end, "end_date": end},
        )
    # Today's reminders, as the daily sweep would send them (idempotent by key).
    appointment_terms_sweep()
    seed_governance(ctx)


# --- The governance loop, reports and evaluations ------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import check_upload

    return check_upload(SimpleUploadedFile(name, PDF, content_type="application/pdf"))


# venture, attendee, kind, title, days from now (negative: past), place, short notice reason,
# proposals: (title, matter, decision), then what happened:
# instructions {item: (vote, note, major, stage)} with stage drafted/awaiting/issued,
# votes {item: (vote cast, outcome, explanation)}, held (minutes and outcome) or not.
MEETINGS = [
    (
        "otis",
        "rep",
        "board",
        "奥的斯电梯（中国）2026年第四次董事会",
        14,
        "天津经济技术开发区 合资公司三楼会议室",
        "",
        [
            ("2027年度经营计划与预算", "", "representative"),
            ("2026年度利润分配方案", "profit_distribution", "representative"),
            ("与外方关联公司签订2027年零部件采购框架协议", "related_party", "representative"),
        ],
        {
            2: ("for", "同意按可分配利润的40%分配，集团所得红利按期上缴。", False, "issued"),
            3: ("for", "", False, "drafted"),
        },
        {},
        False,
    ),
    (
        "siemens",
        "rep",
        "shareholders",
        "西门子开关（天津）2026年第二次临时股东会",
        9,
        "西门子开关（天津）有限公司",
        "",
        [
            ("增资扩股引入新股东方案", "capital_change", "representative"),
            ("修订公司章程相关条款", "articles", "hq"),
        ],
        {1: ("against", "增资价格低于评估值，集团不同意现方案，请提出重新评估。", True, "awaiting")},
        {},
        False,
    ),
    (
        "shensteel",
        "rep5",
        "board",
        "申钢焊材 2026年临时董事会（紧急）",
        2,
        "视频会议",
        "外方临时提议，会议通知于两天前送达。",
        [("为子公司银行借款提供担保", "asset_disposal", "hq")],
        {},
        {},
        False,
    ),
    (
        "blade",
        "rep4",
        "board",
        "风电叶片公司 2026年第三次董事会",
        -3,
        "天津滨海新区",
        "",
        [
            ("聘任新任总经理", "senior_appointment", "representative"),
            ("2026年第四季度生产计划", "", "representative"),
        ],
        {1: ("for", "同意聘任，人选已经集团组织部门审核。", False, "issued")},
        {},
        False,
    ),
    (
        "daqiao",
        "rep3",
        "supervisors",
        "大桥焊材 2026年第二次监事会",
        -55,
        "大桥焊材公司",
        "",
        [
            ("审议2026年上半年财务报告", "", "representative"),
            ("审议关联交易专项检查报告", "related_party", "representative"),
        ],
        {2: ("for", "", False, "issued")},
        {
            1: ("for", "passed", ""),
            2: ("abstain", "passed", "检查报告会前一天才送达，未能充分审阅，故弃权并要求补充说明。"),
        },
        True,
    ),
]


def _seed_meetings(users, ventures, people, now) -> None:
    from . import services
    from .models import Meeting

    for venture, attendee, kind, title, days, place, urgent, proposals, instructions, votes, held in MEETINGS:
        if Meeting.objects.filter(title=title).exists():
            continue
        meeting_at = timezone.localtime(now + datetime.timedelta(days=days)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        registered = meeting_at - datetime.timedelta(days=2 if urgent else 20)
        actor = users[attendee]
        meeting = services.meeting_register(
            actor=actor,
            data={
                "jv": ventures[venture],
                "kind": kind,
                "title": title,
                "meeting_at": meeting_at,
                "place": place,
                "representative": people[attendee],
                "short_notice": bool(urgent),
                "short_notice_reason": urgent,
            },
            materials=_upload("会议材料.pdf"),
            at=registered,
        )
        added = [
            services.proposal_add(
                meeting=meeting,
                actor=actor,
                data={
                    "title": p_title,
                    "description": "",
                    "matter": matter,
                    "decision": decision,
                    "decision_reason": "",
                },
                at=registered,
            )
            for p_title, matter, decision in proposals
        ]
        drafted = registered + datetime.timedelta(days=2)
        for item, (vote, note, major, stage) in instructions.items():
            proposal = added[item - 1]
            proposal = services.instruction_draft(
                proposal=proposal,
                actor=users["hq"],
                data={"instruction_vote": vote, "instruction_note": note, "major": major},
                expected_version=None,
                issue=stage != "drafted",
                at=drafted,
            )
            if stage == "issued" and major:
                services.instruction_approve(
                    proposal=proposal, actor=users["leader"], expected_version=None, at=drafted
                )
        voted = meeting_at + datetime.timedelta(hours=3)
        for item, (vote, outcome, explanation) in votes.items():
            services.vote_record(
                proposal=added[item - 1],
                actor=actor,
                data={"vote_cast": vote, "outcome": outcome, "deviation_explanation": explanation},
                expected_version=None,
                at=voted,
            )
        if held:
            services.meeting_record_outcome(
                meeting=meeting,
                actor=actor,
                summary="会议审议通过全部议案。股权代表已就关联交易检查报告提出补充说明要求。",
                minutes=_upload("会议纪要.pdf"),
                expected_version=None,
                at=voted + datetime.timedelta(days=1),
            )


REPORT_TEXT = "本期合资公司生产经营总体平稳。股权代表出席了本期全部董事会会议，按集团表决指示行使表决权，并就重大事项及时报告。"


def _seed_reports(users, ventures, people, now) -> None:
    from . import services
    from .choices import ReportKind
    from .models import Report

    if Report.objects.exists():
        return
    this = timezone.localdate().year
    # The January run: last year's fourth quarter and duty reports, all filed and acknowledged.
    services.reports_open(today=datetime.date(this, 1, 5))
    for report in Report.objects.select_related("appointment__representative__user"):
        user = report.appointment.representative.user
        filed = datetime.datetime.combine(
            report.due_date - datetime.timedelta(days=3), datetime.time(10), tzinfo=now.tzinfo
        )
        services.report_update(report=report, actor=user, data={"body": REPORT_TEXT}, expected_version=None)
        report = services.report_submit(report=report, actor=user, expected_version=None, at=filed)
        services.report_acknowledge(
            report=report, actor=users["hq"], expected_version=None, at=filed + datetime.timedelta(days=2)
        )
    # The October run: the third quarter's reports, in every state.
    services.reports_open(today=datetime.date(this, 10, 5))
    q3 = list(
        Report.objects.filter(kind=ReportKind.QUARTERLY, quarter=3, year=this)
        .select_related("appointment__representative__user")
        .order_by("pk")
    )
    stories = {"rep": ["acknowledged", "returned"], "rep3": ["submitted"], "rep6": ["acknowledged"]}
    for username, steps in stories.items():
        mine = [r for r in q3 if r.appointment.representative.user.username == username]
        for report, step in zip(mine, steps, strict=False):
            user = users[username]
            filed = datetime.datetime.combine(
                report.due_date - datetime.timedelta(days=2), datetime.time(16), tzinfo=now.tzinfo
            )
            services.report_update(
                report=report, actor=user, data={"body": REPORT_TEXT}, expected_version=None
            )
            report = services.report_submit(report=report, actor=user, expected_version=None, at=filed)
            if step == "acknowledged":
                services.report_acknowledge(
                    report=report,
                    actor=users["hq"],
                    expected_version=None,
                    comments="已阅，谢谢。",
                    at=filed + datetime.timedelta(days=1),
                )
            elif step == "returned":
                services.report_return(
                    report=report,
                    actor=users["hq"],
                    expected_version=None,
                    comments="请补充外方股东拟调整产品线的情况及对合资公司的影响。",
                    at=filed + datetime.timedelta(days=3),
                )
    # A major matter the representative reported this week, waiting for HQ.
    otis = people["rep"].appointments.get(jv=ventures["otis"])
    report = services.report_create_major(
        actor=users["rep"],
        appointment=otis,
        data={
            "major_class": "approval",
            "title": "合资公司拟为外方关联企业提供履约担保",
            "body": "外方提出由合资公司为其在华关联企业的项目履约提供担保，金额约3000万元。股权代表认为风险较大，请集团审批。",
            "due_date": None,
        },
        attachment=_upload("担保事项说明.pdf"),
        at=now - datetime.timedelta(days=2),
    )
    services.report_submit(
        report=report, actor=users["rep"], expected_version=None, at=now - datetime.timedelta(days=2)
    )


EVALUATIONS = [
    # username, scores, kept, note, grade, published
    ("rep", (92, 90, 94, 88), True, "", "excellent", True),
    ("rep3", (85, 82, 80, 86), True, "", "competent", True),
    ("rep5", (72, 70, 68, 75), True, "", "basic", True),
    ("rep4", (88, 85, 90, 84), True, "", "competent", False),
]


def _seed_evaluations(users, people) -> None:
    from . import services
    from .models import Evaluation

    year = timezone.localdate().year - 1
    for username, (learning, communication, role, proficiency), kept, note, grade, published in EVALUATIONS:
        if Evaluation.objects.filter(representative=people[username], year=year).exists():
            continue
        evaluation = services.evaluation_create(
            actor=users["hq"],
            data={
                "representative": people[username],
                "year": year,
                "learning": learning,
                "communication": communication,
                "role": role,
                "proficiency": proficiency,
                "bottom_line_kept": kept,
                "bottom_line_note": note,
                "grade": grade,
                "summary": "全年认真履行股权代表职责，按时请示报告，积极反映合资公司发展诉求。",
                "evaluated_on": datetime.date(year + 1, 2, 28),
            },
        )
        if published:
            services.evaluation_publish(evaluation=evaluation, actor=users["hq"], expected_version=None)


def seed_governance(ctx: dict) -> None:
    users, ventures = ctx["users"], ctx["ventures"]
    people = {
        r.user.username: r for r in Representative.objects.select_related("user").filter(user__isnull=False)
    }
    now = timezone.now()
    _seed_meetings(users, ventures, people, now)
    _seed_reports(users, ventures, people, now)
    _seed_evaluations(users, people)
    from .services import meeting_instructions_sweep, report_reminders_sweep

    meeting_instructions_sweep(now=now)
    report_reminders_sweep()
