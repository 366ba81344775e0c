"""The standard disaggregations plans may use: area (rural/urban) and sex."""

from django.db import migrations

CATEGORIES = {
    "area": ("Khu vực", [("rural", "Nông thôn"), ("urban", "Thành thị")]),
    "sex": ("Giới tính", [("male", "Nam"), ("female", "Nữ")]),
}


def create(apps, schema_editor):
    Category = apps.get_model("indicators", "Category")
    Option = apps.get_model("indicators", "CategoryOption")
    Combo = apps.get_model("indicators", "CategoryOptionCombo")
    Combo.objects.get_or_create(code="default", defaults={"name": "Tổng"})
    for code, (name, options) in CATEGORIES.items():
        category, _ = Category.objects.get_or_create(code=code, defaults={"name": name})
        for order, (option_code, option_name) in enumerate(options):
            option, _ = Option.objects.get_or_create(
                category=category, code=option_code, defaults={"name": option_name, "order": order}
            )
            combo, created = Combo.objects.get_or_create(code=option_code, defaults={"name": option_name})
            combo.options.add(option)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
