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

# username, display name, role, department code, shown in the printed list
USERS = [
    ("leader", "赵建国", Role.LEADERSHIP, None, True),
    ("hq", "王敏", Role.HQ_STAFF, "jv", True),
    ("hq2", "刘洋", Role.HQ_STAFF, "strategy", False),
    ("hq3", "孙丽", Role.HQ_STAFF, "finance", False),
    ("rep", "李明", Role.REPRESENTATIVE, None, True),
    ("rep2", "张伟", Role.REPRESENTATIVE, None, True),
    ("rep3", "陈静", Role.REPRESENTATIVE, None, False),
    ("rep4", "杨帆", Role.REPRESENTATIVE, None, False),
    ("rep5", "黄磊", Role.REPRESENTATIVE, None, False),
    ("rep6", "周婷", Role.REPRESENTATIVE, None, False),
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
    ctx["logins"].append(("admin", "Django admin (superuser)"))
    users = {"admin": admin}
    for username, display_name, role, dept, listed in USERS:
        user = _user(
            username,
            display_name=display_name,
            department=departments.get(dept),
            email=f"{username}@example.com",
        )
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
        if listed:
            ctx["logins"].append((username, str(role.label)))
    for code, username in (("jv", "hq"), ("strategy", "hq2"), ("finance", "hq3")):
        if departments[code].head_id is None:
            departments[code].head = users[username]
            departments[code].save(update_fields=["head"])
    ctx["departments"] = departments
    ctx["users"] = users
    ctx["password"] = DEMO_PASSWORD
