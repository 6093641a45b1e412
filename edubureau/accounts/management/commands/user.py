"""edubureau user add|passwd|list|token — user accounts for operators at the console."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from edubureau.accounts import services
from edubureau.accounts.models import User
from edubureau.accounts.roles import SCHOOL_ROLES, Role
from edubureau.core.context import acting


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "".join(msg for msgs in error.message_dict.values() for msg in msgs)
    return "".join(error.messages)


class Command(BaseCommand):
    help = "用户管理：新增用户、修改密码、列出用户、生成 API 令牌。Manage user accounts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{add,passwd,list,token}")
        roles = "、".join(f"{value}（{label}）" for value, label in Role.choices)

        add = sub.add_parser("add", help="新增用户 add a user")
        add.add_argument("username", metavar="NAME", help="登录名 login name")
        add.add_argument("--role", required=True, help=f"角色代码或中文名 role: {roles}")
        add.add_argument("--org", help="学校用户的学校标识码或学校名称 school code or name (school roles)")
        add.add_argument("--department", help="科室人员的科室名称 department name (department role)")
        add.add_argument(
            "--staff", help="对应教职工的证件号码或姓名（班主任必填）the user's staff record (head teachers)"
        )
        add.add_argument("--display-name", default="", help="姓名 display name")
        add.add_argument(
            "--password-stdin", action="store_true", help="从标准输入读取密码 read the password from stdin"
        )

        passwd = sub.add_parser("passwd", help="修改密码 set a user's password")
        passwd.add_argument("username", metavar="NAME")
        passwd.add_argument(
            "--password-stdin", action="store_true", help="从标准输入读取密码 read the password from stdin"
        )

        sub.add_parser("list", help="列出用户 list users")

        token = sub.add_parser("token", help="生成新的 API 令牌（旧令牌失效）print a new API token")
        token.add_argument("username", metavar="NAME")

    def handle(self, *args, action, **options):
        with acting(None, source="cli"):
            try:
                getattr(self, f"do_{action}")(**options)
            except ValidationError as error:
                raise CommandError(_messages(error)) from None

    # --- actions ---------------------------------------------------------------------------------

    def do_add(self, username, role, org, department, staff, display_name, password_stdin, **_):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户“{username}”已存在。修改密码请用：edubureau user passwd {username}")
        user = User(username=username, display_name=display_name, role=services.parse_role(role))
        if user.role in SCHOOL_ROLES:
            if not org:
                raise CommandError("学校用户须用 --org 指定学校（学校标识码或学校名称）。")
            user.org = services.find_school(org)
            if staff:
                user.staff = services.find_staff(user.org, staff)
        if user.role == Role.DEPARTMENT:
            if not department:
                raise CommandError("科室人员须用 --department 指定科室名称。")
            user.department = services.find_department(department)
        user.apply_role_defaults()
        password = self.read_password(user, password_stdin)
        services.create_user(user, password)
        where = user.org or user.department or ""
        self.stdout.write(
            f"已新增用户 {user.username}（{user.get_role_display()}{' · ' if where else ''}{where}）。"
        )

    def do_passwd(self, username, password_stdin, **_):
        user = self.get_user(username)
        services.set_password(user, self.read_password(user, password_stdin))
        self.stdout.write(f"已修改 {user.username} 的密码。")

    def do_list(self, **_):
        users = User.objects.select_related("org", "department").order_by("role", "username")
        for user in users:
            where = user.org.name if user.org else (user.department.name if user.department else "")
            state = "" if user.is_active else "  [已停用]"
            self.stdout.write(
                f"{user.username}\t{user.display_name}\t{user.get_role_display()}\t{where}{state}"
            )
        self.stderr.write(f"共 {len(users)} 个用户。")

    def do_token(self, username, **_):
        user = self.get_user(username)
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能生成令牌。")
        self.stdout.write(services.issue_token(user).key)

    # --- helpers ---------------------------------------------------------------------------------

    def get_user(self, username):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"未找到用户“{username}”。用 edubureau user list 查看全部用户。")
        return user

    def read_password(self, user, from_stdin):
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("密码 Password: ")
            if getpass.getpass("再次输入 Password (again): ") != password:
                raise CommandError("两次输入的密码不一致。")
        if not password:
            raise CommandError("密码不能为空。")
        try:
            services.check_password(password, user)
        except ValidationError as error:
            raise CommandError("密码不符合要求：" + "".join(error.messages)) from None
        return password
