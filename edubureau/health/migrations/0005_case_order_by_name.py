from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('health', '0004_staff_case_symptoms_help'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='sickcase',
            options={'ordering': ['-date', 'school_class', 'student__name'], 'verbose_name': '因病缺课登记', 'verbose_name_plural': '因病缺课登记'},
        ),
    ]
