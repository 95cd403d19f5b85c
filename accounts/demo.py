"""Demo departments and one login per role."""

from django.contrib.auth.models import Group

from core.roles import Role

from .models import Department, User

DEMO_PASSWORD = "jvportal-demo"

DEPARTMENTS = [
    ("jv", "合资合作部", "Joint Venture Management Department"),
    ("strategy", "战略发展部", "Strategy and Development Department"),
    ("finance", "财务管理部", "Finance Department"),
]

# username, display name, role, department code
USERS = [
    ("leader", "赵建国", Role.LEADERSHIP, None),
    ("hq", "王敏", Role.HQ_STAFF, "jv"),
    ("hq2", "刘洋", Role.HQ_STAFF, "strategy"),
    ("hq3", "孙丽", Role.HQ_STAFF, "finance"),
    ("rep", "李明", Role.REPRESENTATIVE, None),
    ("rep2", "张伟", Role.REPRESENTATIVE, None),
    ("rep3", "陈静", Role.REPRESENTATIVE, None),
    ("rep4", "杨帆", Role.REPRESENTATIVE, None),
    ("rep5", "黄磊", Role.REPRESENTATIVE, None),
    ("rep6", "周婷", Role.REPRESENTATIVE, None),
]

# Every demo login with what it is for, as `make run` prints them (for developers, in English).
LOGINS = [
    ("admin", "superuser: the Django admin at /admin/ (and everything in the portal)"),
    ("leader", "leadership: every JV; approves major-matter voting instructions"),
    ("hq", "HQ staff, head of the JV Management Department: keeps the registry, handles its demands"),
    ("hq2", "HQ staff, head of Strategy and Development: handles the strategy department's demands"),
    ("hq3", "HQ staff, head of Finance"),
    ("rep", "representative at Otis Elevator and Siemens Switchgear (Tianjin)"),
    ("rep2", "representative at Prysmian only: his seat at Shensteel Electric ended in 2024"),
    ("rep3", "representative at Daqiao Welding Materials and Otis Elevator (finance director)"),
    ("rep4", "representative, chairman at Dongfang Blade: a past meeting's votes still to record"),
    ("rep5", "representative, general manager at Shensteel Electric since rep2 left"),
    ("rep6", "representative at Aixin Tianjin and Siemens Switchgear"),
]


def _user(username, **fields):
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed(ctx: dict) -> None:
    departments = {}
    for code, name, name_en in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    admin = _user(
        "admin", display_name="系统管理员", is_staff=True, is_superuser=True, email="admin@example.com"
    )
    ctx["logins"] = LOGINS
    users = {"admin": admin}
    for username, display_name, role, dept in USERS:
        user = _user(
            username,
            display_name=display_name,
            department=departments.get(dept),
            email=f"{username}@example.com",
        )
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    for code, username in (("jv", "hq"), ("strategy", "hq2"), ("finance", "hq3")):
        if departments[code].head_id is None:
            departments[code].head = users[username]
            departments[code].save(update_fields=["head"])
    ctx["departments"] = departments
    ctx["users"] = users
    ctx["password"] = DEMO_PASSWORD
