from treem.accounts import policy
from treem.accounts.demo import is_demo_site


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"demo_site": is_demo_site()}
    return {
        "nav_can_manage_plans": policy.can_manage_plans(user),
        "nav_can_enter_values": policy.can_enter_values(user),
        "nav_is_staff": user.is_staff,
        "demo_site": is_demo_site(),
    }
