import django.db.models.deletion
from django.db import migrations, models


# A module grant used to be total. Now grants are per action: the registries' structure keeps only
# view and export (the administrator grants change to the department that owns each registry);
# the other modules keep every action they had. The audit log stays read-only.
REGISTRIES = {"org", "classes", "students", "staff"}
READ = ["view", "export"]
ALL = ["view", "add", "change", "delete", "import", "export"]


def modules_to_grants(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for department in Department.objects.all():
        department.grants = {
            m: READ if m in REGISTRIES or m == "audit" else ALL for m in department.modules or []
        }
        department.save(update_fields=["grants"])


def grants_to_modules(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for department in Department.objects.all():
        department.modules = list(department.grants or {})
        department.save(update_fields=["modules"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('org', '0001_initial'),
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='user',
            name='school_user_has_org',
        ),
        migrations.AddField(
            model_name='department',
            name='grants',
            field=models.JSONField(blank=True, default=dict, help_text='模块代码 → 操作列表，如 {"students": ["view", "change"]}', verbose_name='授权'),
        ),
        migrations.RunPython(modules_to_grants, grants_to_modules),
        migrations.RemoveField(
            model_name='department',
            name='modules',
        ),
        migrations.AddField(
            model_name='user',
            name='staff',
            field=models.ForeignKey(blank=True, help_text='班主任账号须对应本校教职工：其担任班主任的班级即其可填报的班级', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='accounts', to='people.staff', verbose_name='对应教职工'),
        ),
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(choices=[('admin', '系统管理员'), ('leader', '局领导'), ('department', '科室人员'), ('school_admin', '学校管理员'), ('school_clerk', '学校填报员'), ('head_teacher', '班主任'), ('school_doctor', '校医')], default='school_clerk', max_length=16, verbose_name='角色'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['school_admin', 'school_clerk', 'head_teacher', 'school_doctor']), _negated=True), ('org__isnull', False), _connector='OR'), name='school_user_has_org', violation_error_message='学校用户必须指定所属单位。'),
        ),
    ]
