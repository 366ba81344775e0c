from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "treem.reporting"
    verbose_name = _("Báo cáo định kỳ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from treem.indicators.locks import register_lock_source
        from treem.plans.signals import plan_loaded

        from .locks import accepted_figures
        from .services import sync_rounds_on_load

        plan_loaded.connect(sync_rounds_on_load, dispatch_uid="reporting.sync_rounds")
        register_lock_source(accepted_figures)
