"""Demo accounts, one per role. Every demo password is DEMO_PASSWORD."""

from accounts.models import User

DEMO_PASSWORD = "demo-circuit-court"
DEMO_DOMAIN = "demo.circuit-court.fr"

DEMO_PEOPLE = {
    "household": ("foyer", "Camille Lefebvre"),
    "producer": ("ferme", "Thomas Delattre"),
    "host": ("hote", "Nadia Benali"),
    "gardener": ("jardin", "Louis Vandamme"),
    "coordinator": ("coordination", "Sophie Lemaire"),
    "admin": ("admin", "Équipe Circuit Court"),
}


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def seed_accounts() -> dict[str, User]:
    """Create or refresh the demo accounts; returns them by role."""
    users = {}
    for role, (local_part, full_name) in DEMO_PEOPLE.items():
        user, _created = User.objects.update_or_create(
            email=demo_email(local_part),
            defaults={
                "full_name": full_name,
                "is_active": True,
                "is_staff": role == "admin",
                "is_superuser": role == "admin",
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[role] = user
    return users
