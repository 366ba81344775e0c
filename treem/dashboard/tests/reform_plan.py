"""A later plan for tests (not a test module): a draft of another year with the source plan's targets and
indicators, the shape `copy_plan` gives, made directly so these tests need neither copy_plan nor the
2026 plan file."""

from __future__ import annotations

from treem.plans.models import Plan, PlanStatus, Target


def later_plan(source: Plan, year: int, code: str = "test-later-plan") -> Plan:
    """A draft of `year` drafted from `source`, with the same targets and indicators."""
    plan = Plan.objects.get(pk=source.pk)
    plan.pk = None
    plan.code, plan.year, plan.status, plan.source, plan.issued_at = (
        code,
        year,
        PlanStatus.DRAFT,
        source,
        None,
    )
    plan.save()
    for target in Target.objects.filter(plan=source).order_by("pk"):
        indicators = list(target.indicators.all().order_by("pk"))
        target.pk = None
        target.plan = plan
        target.save()
        for indicator in indicators:
            indicator.pk = None
            indicator.plan, indicator.target = plan, target
            indicator.save()
    return plan
