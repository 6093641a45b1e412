"""The database itself refuses to change a drawn lottery (民办摇号), whatever code or console tries."""

from django.db import migrations

MESSAGE = "摇号结果已封存，不能修改。"

SQLITE = [
    f"""CREATE TRIGGER admissions_draw_frozen BEFORE UPDATE ON admissions_draw
    WHEN OLD.status = '已摇号' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER admissions_drawentry_frozen BEFORE UPDATE ON admissions_drawentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS admissions_draw_frozen;",
    "DROP TRIGGER IF EXISTS admissions_drawentry_frozen;",
]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION admissions_refuse_frozen() RETURNS trigger AS $$
    BEGIN
      IF TG_TABLE_NAME = 'admissions_drawentry' OR OLD.status = '已摇号' THEN
        RAISE EXCEPTION '{MESSAGE}';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER admissions_draw_frozen BEFORE UPDATE ON admissions_draw
    FOR EACH ROW EXECUTE FUNCTION admissions_refuse_frozen();""",
    """CREATE TRIGGER admissions_drawentry_frozen BEFORE UPDATE ON admissions_drawentry
    FOR EACH ROW EXECUTE FUNCTION admissions_refuse_frozen();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS admissions_draw_frozen ON admissions_draw;",
    "DROP TRIGGER IF EXISTS admissions_drawentry_frozen ON admissions_drawentry;",
    "DROP FUNCTION IF EXISTS admissions_refuse_frozen();",
]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("admissions", "0001_initial")]

    # Deletion stays possible at the database level only for wiping test and demo data; the models
    # refuse it. Updates are refused outright.
    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
