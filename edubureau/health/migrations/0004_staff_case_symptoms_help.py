from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('health', '0003_lean_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='staffsickcase',
            name='symptoms',
            field=models.PositiveIntegerField(default=0, help_text='症状表的位掩码', verbose_name='症状'),
        ),
    ]
