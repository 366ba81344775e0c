from django.apps import apps
from django.contrib import admin


def test_every_model_of_treem_is_in_the_admin_site():
    models = [m for m in apps.get_models() if m.__module__.startswith("treem.")]
    missing = [
        m.__name__
        for m in models
        if not m.__name__.startswith("Historical") and m not in admin.site._registry
    ]
    assert missing == []


def test_admin_change_lists_open_for_a_superuser(admin_client, db):
    for model in admin.site._registry:
        if model.__module__.startswith("treem."):
            opts = model._meta
            response = admin_client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
            assert response.status_code == 200, opts.label
