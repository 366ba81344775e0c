"""The closed list's order as an index (docs/benchmarks.md, case register: 1.8 s → 1 ms)."""

from django.db import migrations

import treem.cases.db_indexes


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=treem.cases.db_indexes.ClosedListIndex(name="case_state_closed"),
        ),
    ]
