from .permissions import is_secretariat


def portal(request):
    """What the base layout needs on every page: the user's role for the navigation."""
    user = getattr(request, "user", None)
    return {"is_secretariat": bool(user and user.is_authenticated and is_secretariat(user))}
