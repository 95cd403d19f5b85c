"""Writes on demands: raise, edit, route, move through the workflow, comment, rate; and the sweeps.

Each call is one transaction: the demand row is locked, its version checked against the one the
form was rendered with, the change validated and saved with a history entry naming the actor, a
timeline entry written, and the people concerned notified (the outbox sends after commit).
``at`` says when the thing happened (now by default; the demo data backdates its story).
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, PositiveSmallIntegerField, Q, Value, When
from django.db.models.functions import Cast, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core import audience
from core.roles import is_hq_staff, sees_all_ventures
from core.services import (
    ensure_visible,
    insert_for_each,
    insert_rows,
    lock_row,
    may_see,
    record_history_in_bulk,
    save_versioned,
    save_with_history,
)
from core.workdays import (
    WorkingCalendar,
    add_working_days,
    local_date,
    local_minute,
    local_zone,
    subtract_working_days,
    working_days_between,
)
from notifications import kinds
from notifications.services import NotificationSpec, tell
from notifications.sweeps import BATCH_SIZE, Recheck, SweepMemo, run_sweep
from ventures.models import JointVenture

from . import notices, permissions
from .choices import Phase, Rung, Status, UpdateKind, Visibility
from .durations import fill_durations
from .models import Demand, DemandAttachment, DemandUpdate, RoutingRule, SLAPolicy
from .workflow import ACTIONS

# Used when an admin has deleted every policy that would apply.
DEFAULT_POLICY = {"acknowledge_days": 3, "resolve_days": 20, "warning_days": 1, "escalation_interval_days": 2}
PHASE_VERB = {
    Phase.ACKNOWLEDGE: pgettext_lazy("must be ... by a deadline", "acknowledged"),
    Phase.RESOLVE: pgettext_lazy("must be ... by a deadline", "resolved"),
}


# --- Policies, routing, deadlines -----------------------------------------------------------------


def policy_for(*, priority: str, category: str) -> SLAPolicy:
    """The category's own policy for this priority, else the priority's general one, else the default."""
    policy = (
        SLAPolicy.objects.filter(priority=priority, category__in=[category, ""]).order_by("-category").first()
    )
    return policy or SLAPolicy(priority=priority, **DEFAULT_POLICY)


def route_for(*, jv: JointVenture, category: str):
    """(department, owner) for a new demand: the JV's rule, the category's rule, the JV's department."""
    rule = (
        RoutingRule.objects.filter(category=category)
        .filter(Q(jv=jv) | Q(jv__isnull=True))
        .select_related("department", "owner")
        .order_by(F("jv").asc(nulls_last=True))
        .first()
    )
    if rule is not None:
        owner = rule.owner if rule.owner and rule.owner.is_active else None
        return rule.department, owner
    return jv.department, None


def _schedule(demand: Demand, policy: SLAPolicy) -> None:
    """Compute the deadlines from the policy: acknowledge-by from submission (unless already met:
    a deadline met stays what it was), resolve-by from the clock's start plus the working days
    spent on hold; then the running deadline and its warning."""
    demand.sla_policy = policy if policy.pk else None
    if demand.acknowledged_at is None:
        demand.acknowledge_by = add_working_days(demand.submitted_at, policy.acknowledge_days)
    demand.resolve_by = add_working_days(demand.clock_started_at, policy.resolve_days + demand.held_days)
    _set_running_deadline(demand, policy)


def _set_running_deadline(demand: Demand, policy: SLAPolicy | None = None) -> None:
    policy = policy or demand.sla_policy or SLAPolicy(**DEFAULT_POLICY)
    phase = demand.phase
    due = {Phase.ACKNOWLEDGE: demand.acknowledge_by, Phase.RESOLVE: demand.resolve_by}.get(phase)
    warn_at = subtract_working_days(due, policy.warning_days) if due else None
    if due != demand.due_at:
        # A new ladder: the deadline sweep looks again from the warning time (``alert_at`` empty).
        demand.escalation_level = Rung.NONE
        demand.alert_at = None
    elif demand.escalation_level == Rung.NONE and warn_at != demand.warn_at:
        # The same deadline with another warning time: looked at again from that time.
        demand.alert_at = None
    demand.due_at = due
    demand.warn_at = warn_at


SCHEDULE_FIELDS = [
    "sla_policy",
    "acknowledge_by",
    "resolve_by",
    "due_at",
    "warn_at",
    "alert_at",
    "escalation_level",
]


# --- Helpers -------------------------------------------------------------------------------------

DEMAND_RELATED = ("jv__liaison", "department__head", "owner", "raised_by", "sla_policy")


def _lock(demand: Demand, expected_version: int | None, actor) -> Demand:
    """The demand, locked, if ``actor`` may see it and nobody saved it since ``expected_version``."""
    ensure_visible(demand, actor)
    return lock_row(
        Demand.objects.select_related(*DEMAND_RELATED), demand.pk, expected_version=expected_version
    )


def _entry(demand: Demand, *, kind: str, actor, at, **fields) -> DemandUpdate:
    return DemandUpdate.objects.create(demand=demand, kind=kind, author=actor, created_at=at, **fields)


def _person(user) -> str:
    return (user.display_name or user.get_username()) if user else "—"


def _params(demand: Demand, **extra) -> dict:
    return {
        "ref": demand.reference,
        "jv": kinds.bilingual(demand.jv),
        "title": demand.title,
        **extra,
    }


def _jv_side(demand: Demand) -> list:
    """Who speaks for the JV: the representative who raised the demand; for one HQ raised on the
    JV's behalf, the JV's representatives in post."""
    if permissions.is_jv_side(demand.raised_by, demand):
        return [demand.raised_by]
    return audience.jv_side(demand.jv_id)


def _tell(recipients, *, kind, demand: Demand, tag: str, actor=None, params: dict | None = None) -> None:
    """Notify each recipient once for ``tag`` (a timeline entry, a deadline step), if they may
    still see the demand (a representative whose appointment ended may not)."""
    tell(
        recipients,
        kind=kind,
        key=f"demand:{kind.code}:{demand.pk}:{tag}",
        target=demand,
        url=demand.get_absolute_url(),
        params=params or _params(demand),
        actor=actor,
        entitled=lambda user: sees_all_ventures(user) or may_see(user, demand),
    )


def _first_rung(demand: Demand) -> list:
    """Who works the demand: its owner, else the department head, else the JV's liaison."""
    for user in (demand.owner, demand.department.head if demand.department else None, demand.jv.liaison):
        if user is not None and user.is_active:
            return [user]
    return []


def _department_params(department) -> dict | str:
    return kinds.bilingual(department) if department else ""


def _attach(demand, *, update, upload, actor, visibility, at) -> DemandAttachment:
    return DemandAttachment(demand=demand, update=update, visibility=visibility).store(
        upload, actor=actor, at=at
    )


# --- Raise and edit ------------------------------------------------------------------------------


def demand_raise(*, actor, data: dict, attachment=None, at: datetime.datetime | None = None) -> Demand:
    """Record a new demand for one JV, routed to its department with deadlines from the SLA policy."""
    at = at or timezone.now()
    if not permissions.can_raise(actor):
        raise PermissionDenied
    with transaction.atomic():
        jv = data.get("jv")
        if jv is None or not JointVenture.objects.visible_to(actor).filter(pk=jv.pk).exists():
            raise ValidationError({"jv": _("You cannot raise a demand for this joint venture.")})
        department, owner = route_for(jv=jv, category=data.get("category", ""))
        demand = Demand(
            **data,
            raised_by=actor,
            department=department,
            owner=owner,
            status=Status.SUBMITTED,
            submitted_at=at,
            clock_started_at=at,
        )
        demand.full_clean(exclude=["acknowledge_by", "resolve_by"])
        _schedule(demand, policy_for(priority=demand.priority, category=demand.category))
        save_with_history(instance=demand, actor=actor)
        entry = _entry(
            demand,
            kind=UpdateKind.RAISED,
            actor=actor,
            at=at,
            to_status=Status.SUBMITTED,
            params={"department": _department_params(department), "owner": _person(owner) if owner else ""},
        )
        if attachment is not None:
            _attach(demand, update=entry, upload=attachment, actor=actor, visibility=Visibility.SHARED, at=at)
        _tell(
            _first_rung(demand),
            kind=notices.ASSIGNED,
            demand=demand,
            tag=f"u{entry.pk}",
            actor=actor,
            params=_params(demand, due=local_minute(demand.acknowledge_by)),
        )
        return demand


EDITABLE_FIELDS = ("title", "description", "category", "source", "source_note")


def demand_update(
    *, demand: Demand, actor, data: dict, expected_version: int | None = None, at=None
) -> Demand:
    """Edit what the demand says. A new category may fall under another SLA policy: deadlines follow."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(demand, expected_version, actor)
        if not permissions.can_edit(actor, locked):
            raise PermissionDenied
        changed = [name for name in EDITABLE_FIELDS if name in data and getattr(locked, name) != data[name]]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, data[name])
        fields = set(changed)
        if "category" in changed:
            _schedule(locked, policy_for(priority=locked.priority, category=locked.category))
            fields.update(SCHEDULE_FIELDS)
        save_versioned(locked, actor=actor, fields=fields)
        _entry(locked, kind=UpdateKind.EDIT, actor=actor, at=at, params={"fields": changed})
        return locked


def demand_route(
    *,
    demand: Demand,
    actor,
    department,
    owner,
    priority: str,
    expected_version: int | None = None,
    at=None,
) -> Demand:
    """Assign the demand to a department and an owner, and set its priority (deadlines follow)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(demand, expected_version, actor)
        if not permissions.can_route(actor, locked):
            raise PermissionDenied
        if owner is not None:
            if not owner.is_active or not is_hq_staff(owner):
                raise ValidationError({"owner": _("The owner must be an active member of HQ staff.")})
            if department is None:
                department = owner.department
            if owner.department_id != getattr(department, "pk", None):
                raise ValidationError({"owner": _("The owner must belong to the chosen department.")})
        fields = set()
        old_department, old_owner = locked.department, locked.owner
        assignment_changed = (locked.department_id, locked.owner_id) != (
            getattr(department, "pk", None),
            getattr(owner, "pk", None),
        )
        if assignment_changed:
            locked.department, locked.owner = department, owner
            fields.update({"department", "owner"})
        old_priority = locked.priority
        if priority != locked.priority:
            locked.priority = priority
            _schedule(locked, policy_for(priority=priority, category=locked.category))
            fields.update({"priority", *SCHEDULE_FIELDS})
        if not fields:
            return locked
        save_versioned(locked, actor=actor, fields=fields)
        if assignment_changed:
            entry = _entry(
                locked,
                kind=UpdateKind.ASSIGNMENT,
                actor=actor,
                at=at,
                params={
                    "from_department": _department_params(old_department),
                    "from_owner": _person(old_owner) if old_owner else "",
                    "department": _department_params(department),
                    "owner": _person(owner) if owner else "",
                },
            )
            due = locked.due_at or locked.resolve_by
            _tell(
                _first_rung(locked),
                kind=notices.ASSIGNED,
                demand=locked,
                tag=f"u{entry.pk}",
                actor=actor,
                params=_params(locked, due=local_minute(due)),
            )
        if priority != old_priority:
            _entry(
                locked,
                kind=UpdateKind.PRIORITY,
                actor=actor,
                at=at,
                params={"from": old_priority, "to": priority},
            )
        return locked


# --- The workflow --------------------------------------------------------------------------------


def reopen_deadline(demand: Demand) -> datetime.datetime | None:
    """Until when a resolved demand may be reopened."""
    if demand.status != Status.RESOLVED or demand.resolved_at is None:
        return None
    return add_working_days(demand.resolved_at, settings.DEMAND_REOPEN_WORKING_DAYS)


def demand_transition(
    *,
    demand: Demand,
    action: str,
    actor,
    note: str = "",
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Demand:
    """Take one workflow action (see ``workflow.ACTIONS``): accept, start, hold, resume, resolve,
    reject, withdraw or reopen. A status the action does not start from is refused."""
    at = at or timezone.now()
    spec = ACTIONS[action]
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock(demand, expected_version, actor)
        if locked.status not in spec.sources:
            raise ValidationError(
                _("This demand is %(status)s: it cannot be moved that way now.")
                % {"status": locked.get_status_display()},
                code="invalid_transition",
            )
        if not spec.allowed(actor, locked):
            raise PermissionDenied
        if spec.note_required and not note:
            raise ValidationError({"note": _("This field is required.")})
        from_status = locked.status
        fields = _apply(locked, spec.name, note=note, at=at)
        locked.status = spec.target
        fields.add("status")
        _set_running_deadline(locked)
        fields.update({"due_at", "warn_at", "alert_at", "escalation_level"})
        took_ownership = spec.name == "accept" and locked.owner_id is None and is_hq_staff(actor)
        if took_ownership:
            # Whoever accepts an unowned demand owns it.
            locked.owner = actor
            locked.department = locked.department or actor.department
            fields.update({"owner", "department"})
        save_versioned(locked, actor=actor, fields=fields)
        entry = _entry(
            locked,
            kind=UpdateKind.STATUS,
            actor=actor,
            at=at,
            text=note,
            from_status=from_status,
            to_status=locked.status,
        )
        if took_ownership:
            _entry(
                locked,
                kind=UpdateKind.ASSIGNMENT,
                actor=actor,
                at=at,
                params={"department": _department_params(locked.department), "owner": _person(actor)},
            )
        _announce(locked, entry, actor)
        return locked


def _apply(demand: Demand, action: str, *, note: str, at) -> set[str]:
    """The fields an action changes besides the status."""
    if action == "accept":
        demand.acknowledged_at = at
        demand.acknowledge_working_days = working_days_between(
            local_date(demand.submitted_at), local_date(at)
        )
        return {"acknowledged_at", "acknowledge_working_days"}
    if action == "hold":
        demand.on_hold_since = at
        return {"on_hold_since"}
    if action == "resume":
        held = max(working_days_between(local_date(demand.on_hold_since), local_date(at)), 0)
        demand.held_days += held
        demand.held_days_total += held
        demand.on_hold_since = None
        # Push the deadline the demand has by the days on hold. Not recomputed from the policy: a
        # policy edited (or deleted) meanwhile must move no existing deadline.
        demand.resolve_by = add_working_days(demand.resolve_by, held)
        return {"held_days", "held_days_total", "on_hold_since", "resolve_by"}
    if action == "resolve":
        demand.resolution = note
        demand.resolved_at = at
        demand.resolve_working_days = max(
            working_days_between(local_date(demand.submitted_at), local_date(at)) - demand.held_days_total, 0
        )
        demand.rating_due_at = add_working_days(at, settings.DEMAND_RATING_WORKING_DAYS)
        return {"resolution", "resolved_at", "resolve_working_days", "rating_due_at"}
    if action in ("reject", "withdraw"):
        demand.rejection_reason = note if action == "reject" else demand.rejection_reason
        demand.closed_at = at
        # Ending while on hold ends the hold too.
        demand.on_hold_since = None
        return {"rejection_reason", "closed_at", "on_hold_since"}
    if action == "reopen":
        until = reopen_deadline(demand)
        if until is None or at > until:
            raise ValidationError(
                _("A resolved demand can be reopened within %(days)s working days; that time has passed.")
                % {"days": settings.DEMAND_REOPEN_WORKING_DAYS},
                code="reopen_window",
            )
        # A fresh clock under the policy that applies today to the demand's priority and category.
        policy = policy_for(priority=demand.priority, category=demand.category)
        demand.sla_policy = policy if policy.pk else None
        demand.clock_started_at = at
        demand.held_days = 0
        demand.resolved_at = None
        demand.resolve_working_days = None
        demand.rating_due_at = None
        demand.resolve_by = add_working_days(at, policy.resolve_days)
        return {
            "sla_policy",
            "clock_started_at",
            "held_days",
            "resolved_at",
            "resolve_working_days",
            "rating_due_at",
            "resolve_by",
        }
    return set()


def _announce(demand: Demand, entry: DemandUpdate, actor) -> None:
    """Tell the raiser (and the owner) about a status change; a resolution asks for a rating."""
    tag = f"u{entry.pk}"
    if demand.status == Status.RESOLVED:
        _tell(
            _jv_side(demand),
            kind=notices.RESOLVED,
            demand=demand,
            tag=tag,
            actor=actor,
            params=_params(demand, closes=local_minute(demand.rating_due_at)),
        )
        return
    params = _params(demand, status=kinds.in_each_language(Status(demand.status).label))
    _tell(
        [*_jv_side(demand), *_first_rung(demand)],
        kind=notices.STATUS_CHANGED,
        demand=demand,
        tag=tag,
        actor=actor,
        params=params,
    )


def demand_rate(
    *,
    demand: Demand,
    actor,
    satisfaction: int,
    comment: str = "",
    expected_version: int | None = None,
    at=None,
) -> Demand:
    """The JV's verdict on a resolved demand: 1 to 5 with a comment; it closes the demand."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(demand, expected_version, actor)
        if locked.status != Status.RESOLVED:
            raise ValidationError(_("Only a resolved demand can be rated."), code="invalid_transition")
        if not permissions.is_jv_side(actor, locked):
            raise PermissionDenied
        locked.satisfaction = satisfaction
        locked.satisfaction_comment = comment.strip()
        locked.rated_by = actor
        locked.status = Status.CLOSED
        locked.closed_at = at
        locked.rating_due_at = None
        save_versioned(
            locked,
            actor=actor,
            fields=[
                "satisfaction",
                "satisfaction_comment",
                "rated_by",
                "status",
                "closed_at",
                "rating_due_at",
            ],
        )
        entry = _entry(
            locked,
            kind=UpdateKind.RATING,
            actor=actor,
            at=at,
            text=locked.satisfaction_comment,
            from_status=Status.RESOLVED,
            to_status=Status.CLOSED,
            params={"score": satisfaction},
        )
        _announce(locked, entry, actor)
        return locked


def demand_comment(
    *, demand: Demand, actor, text: str = "", visibility: str = Visibility.SHARED, attachment=None, at=None
) -> DemandUpdate:
    """Add a comment (and/or a file) to the timeline. Only HQ writes internal ones."""
    at = at or timezone.now()
    text = (text or "").strip()
    with transaction.atomic():
        ensure_visible(demand, actor)
        if visibility == Visibility.INTERNAL and not permissions.can_comment_internally(actor):
            raise ValidationError({"visibility": _("Only HQ can write internal comments.")})
        if not text and attachment is None:
            raise ValidationError({"text": _("Write a comment or attach a file.")})
        locked = Demand.objects.select_related("jv", "department__head", "owner", "raised_by").get(
            pk=demand.pk
        )
        entry = _entry(
            locked,
            kind=UpdateKind.COMMENT if text else UpdateKind.ATTACHMENT,
            actor=actor,
            at=at,
            text=text,
            visibility=visibility,
        )
        if attachment is not None:
            _attach(locked, update=entry, upload=attachment, actor=actor, visibility=visibility, at=at)
        if sees_all_ventures(actor):
            recipients = _jv_side(locked) if visibility == Visibility.SHARED else []
            recipients += [locked.owner] if locked.owner else []
        else:
            recipients = _first_rung(locked)
        _tell(
            recipients,
            kind=notices.COMMENTED,
            demand=locked,
            tag=f"u{entry.pk}",
            actor=actor,
            params=_params(locked, author=_person(actor)),
        )
        return entry


def demand_durations_refresh(*, since: datetime.date | None = None) -> int:
    """Recompute the stored working-day durations after the calendar changed on or after ``since``
    (every demand without it), a batch per transaction; return how many demands changed."""
    return fill_durations(Demand, since=since)


# --- Sweeps ---------------------------------------------------------------------------------------


def _rung_recipients(demand: Demand, rung: int, leaders: list) -> list:
    if rung == Rung.OWNER:
        return _first_rung(demand)
    if rung == Rung.DEPARTMENT_HEAD:
        head = demand.department.head if demand.department else None
        return [head] if head is not None and head.is_active else []
    return leaders


def _rung_moment(demand: Demand, rung: int, calendar: WorkingCalendar, interval: int) -> datetime.datetime:
    """When ``rung`` falls due: the deadline for the first, one interval of working days more for
    each one after (it is reached once that moment has passed)."""
    local_due = timezone.localtime(demand.due_at, local_zone())
    day = calendar.add(local_due.date(), (rung - 1) * interval)
    return datetime.datetime.combine(day, local_due.time(), tzinfo=local_zone())


def _rung_reached(demand: Demand, now, calendar: WorkingCalendar, interval: int) -> int:
    """How many rungs are due: the first when the deadline passes, one more per interval."""
    reached = Rung.NONE
    for rung in (Rung.OWNER, Rung.DEPARTMENT_HEAD, Rung.LEADERSHIP):
        if now > _rung_moment(demand, rung, calendar, interval):
            reached = rung
    return reached


def _by_value(values: dict, output_field, default=None) -> Case:
    """``CASE`` giving each row (by id) its value of ``values``; the ids of one value in one branch."""
    by_value = defaultdict(list)
    for pk, value in values.items():
        by_value[value].append(pk)
    case = Case(
        *[When(pk__in=ids, then=Value(value, output_field=output_field)) for value, ids in by_value.items()],
        default=default,
        output_field=output_field,
    )
    # PostgreSQL types a CASE of parameters alone (or of NULLs) as text: cast it, as bulk_update does
    # where the backend needs it (SQLite's cast would rewrite the stored text form of a datetime).
    if connection.features.requires_casted_case_in_updates:
        return Cast(case, output_field)
    return case


class _DeadlineSweep:
    """Warnings before each running deadline; past it, one escalation rung per interval.

    Notification keys name the demand, the phase, the deadline, the rung and the person; the
    timeline entry of each rung has a key too. Both are inserted ignoring conflicts, so any number
    of runs, on any number of workers, record and tell each rung once. A deadline that moves
    (priority changed, accepted, resumed) starts a new ladder under new keys.

    ``specs`` works out what a demand is due; the sweep's ``Recheck`` then locks the batch and, for
    the demands whose deadline is still the one it was worked out for, tells and ``record``s the
    rungs climbed, so a person who accepted or re-prioritised meanwhile is never contradicted.
    """

    def __init__(self, now):
        self.now = now
        self.leaders = audience.leadership()
        self.reached: dict[int, int] = {}
        self.next_alert: dict[int, datetime.datetime | None] = {}
        self.calendar: WorkingCalendar | None = None
        self.memo = SweepMemo()

    def specs(self, demand: Demand) -> list[NotificationSpec]:
        specs, reached, next_alert = self._work_out(demand)
        self.reached[demand.pk] = reached
        self.next_alert[demand.pk] = next_alert
        return specs

    def _work_out(self, demand: Demand) -> tuple[list[NotificationSpec], int, datetime.datetime | None]:
        """The notifications due now, the rung reached and when the next step falls due (None at
        the top of the ladder)."""
        phase = demand.phase
        due_key = demand.due_at.isoformat()
        url = self.memo.url(Demand, demand.pk)
        params = _params(
            demand,
            phase=self.memo.in_each_language(("phase", phase), PHASE_VERB[phase]),
            due=local_minute(demand.due_at),
            owner=_person(demand.owner) if demand.owner else "—",
            department=_department_params(demand.department) or "—",
        )

        def told(users, kind, key: str, step_params: dict) -> list[NotificationSpec]:
            return [
                NotificationSpec(
                    recipient=user,
                    kind=kind.code,
                    key=f"{key}:{user.pk}",
                    params=step_params,
                    url=url,
                    target=demand,
                )
                for user in users
            ]

        if self.now <= demand.due_at:
            key = f"demand-warning:{demand.pk}:{phase}:{due_key}"
            # Next: the first rung, once the deadline has passed.
            return told(_first_rung(demand), notices.DEADLINE_WARNING, key, params), Rung.NONE, demand.due_at
        policy = demand.sla_policy
        interval = policy.escalation_interval_days if policy else DEFAULT_POLICY["escalation_interval_days"]
        calendar = self._calendar_for(demand, interval)
        reached = _rung_reached(demand, self.now, calendar, interval)
        top = max(reached, demand.escalation_level)
        next_alert = None if top >= Rung.LEADERSHIP else _rung_moment(demand, top + 1, calendar, interval)
        specs = []
        for rung in range(Rung.OWNER, reached + 1):
            specs += told(
                _rung_recipients(demand, rung, self.leaders),
                notices.ESCALATED,
                f"demand-escalation:{demand.pk}:{phase}:{due_key}:{rung}",
                {**params, "rung": self.memo.in_each_language(("rung", rung), Rung(rung).label)},
            )
        return specs, reached, next_alert

    def _calendar_for(self, demand: Demand, interval: int) -> WorkingCalendar:
        """One calendar for the whole sweep (two years back, one ahead); rebuilt only for a
        deadline outside it."""
        due = local_date(demand.due_at)
        # The last rung is 2 intervals of working days after the deadline; leave room for holidays.
        end = due + datetime.timedelta(days=4 * interval + 30)
        if self.calendar is None:
            today = local_date(self.now)
            self.calendar = WorkingCalendar(
                today - datetime.timedelta(days=730), today + datetime.timedelta(days=365)
            )
        if self.calendar.covers(due) and self.calendar.covers(end):
            return self.calendar
        return WorkingCalendar(due, end)

    def record(self, kept: list[Demand]) -> None:
        """Write one timeline entry per rung climbed, raise the escalation level and move each
        demand's next alert on (under the sweep's lock on the batch)."""
        climbed = [(d, self.reached[d.pk]) for d in kept if self.reached.get(d.pk, 0) > d.escalation_level]
        next_alert = {d.pk: self.next_alert[d.pk] for d in kept if d.pk in self.next_alert}
        self.reached.clear()
        self.next_alert.clear()
        insert_rows(DemandUpdate, self._entries(climbed), ignore_conflicts=True)
        if not next_alert:
            return
        # One statement for the batch: each demand to the rung it reached, never lower (a sweep that
        # worked from an earlier moment may commit after one that climbed further), and its next
        # alert (the demands of one deadline share one).
        changes = {
            "alert_at": _by_value(next_alert, DateTimeField()),
        }
        if climbed:
            changes["escalation_level"] = Greatest(
                F("escalation_level"),
                _by_value(
                    {d.pk: reached for d, reached in climbed},
                    PositiveSmallIntegerField(),
                    F("escalation_level"),
                ),
            )
        Demand.objects.filter(pk__in=list(next_alert)).update(**changes)

    def _entries(self, climbed) -> list[dict]:
        entries = []
        for demand, reached in climbed:
            for rung in range(demand.escalation_level + 1, reached + 1):
                entries.append(
                    {
                        "demand_id": demand.pk,
                        "kind": UpdateKind.ESCALATION,
                        "visibility": Visibility.INTERNAL,
                        "created_at": self.now,
                        "params": {"rung": rung, "phase": demand.phase},
                        "key": f"escalation:{demand.pk}:{demand.phase}:{demand.due_at.isoformat()}:{rung}",
                    }
                )
        return entries


def demand_deadlines_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn owners before acknowledge-by and resolve-by; climb the escalation ladder when late."""
    now = now or timezone.now()
    sweep = _DeadlineSweep(now)
    # Only the demands whose next step has come: the sweep moves ``alert_at`` on as it tells each
    # one (and empties it at the top of the ladder); a ladder it never looked at (``alert_at``
    # empty) starts at its warning time. A run with nothing to say reads nothing.
    due = Demand.objects.filter(
        Q(alert_at__lte=now)
        | Q(alert_at__isnull=True, warn_at__lte=now, escalation_level__lt=Rung.LEADERSHIP),
        due_at__isnull=False,
    ).select_related("jv__liaison", "department__head", "owner", "sla_policy")
    recheck = Recheck(still_due=Demand.objects.order_by(), field="due_at", then=sweep.record)
    return run_sweep(due, sweep.specs, recheck=recheck)


class _AutocloseSweep:
    """Close, under the sweep's lock on the batch, the resolved demands still unrated after their
    rating window: per demand the same rows as a close by hand (a new version with its history
    entry, and an automatic status entry on the timeline), per batch a fixed number of statements."""

    def __init__(self, now):
        self.now = now
        self.closed = 0

    def close(self, kept: list[Demand]) -> None:
        if not kept:
            return
        ids = [d.pk for d in kept]
        saved_at = timezone.now()
        Demand.objects.filter(pk__in=ids).update(
            status=Status.CLOSED,
            closed_at=self.now,
            rating_due_at=None,
            version=F("version") + 1,
            updated_at=saved_at,
        )
        # The history entry of each row as it now stands, copied inside the database.
        record_history_in_bulk(Demand, ids, at=saved_at, actor=None)
        insert_for_each(
            DemandUpdate,
            "demand",
            ids,
            kind=UpdateKind.STATUS,
            created_at=self.now,
            from_status=Status.RESOLVED,
            to_status=Status.CLOSED,
            params={"automatic": True},
        )
        self.closed += len(ids)


def demand_autoclose_sweep(
    *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Close the resolved demands nobody rated within the rating window, a batch per transaction."""
    now = now or timezone.now()
    sweep = _AutocloseSweep(now)
    due = Demand.objects.filter(status=Status.RESOLVED, rating_due_at__lte=now).only("pk", "rating_due_at")
    recheck = Recheck(
        still_due=Demand.objects.filter(status=Status.RESOLVED, rating_due_at__lte=now).order_by(),
        field="rating_due_at",
        then=sweep.close,
    )
    # Nobody is told: the specs are none; the closing is the re-check's ``then``.
    result = run_sweep(due, lambda demand: [], recheck=recheck, batch_size=batch_size)
    return {"due": result["due"], "closed": sweep.closed}
