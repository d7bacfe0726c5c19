"""Demo accounts and organisations: one login per role, all with the same password."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from .models import Funder, Provider, Role, RoleAssignment, User

DEMO_PASSWORD = "ccr-demo-2026"

PROVIDERS = [
    ("Association Regain", "Regain", "Coordination du dispositif d'accompagnement de la CCR."),
    ("RAMSESS", "RAMSESS", "Réseau d'accompagnement des structures de l'ESS, diagnostics."),
    ("APEAS", "APEAS", "Agence provençale pour une économie alternative et solidaire."),
    ("Inter-Made", "Inter-Made", "Incubateur et accompagnement d'entreprises sociales."),
    ("ESIA", "ESIA", "France Active PACA : accompagnement et financement solidaire."),
    ("Hom&Ter", "Hom&Ter", "Filières équitables, démarche de progrès QADES."),
]
FUNDERS = [
    (
        "ESIA, France Active PACA",
        "ESIA",
        "Fonds d'amorçage, contrat d'apport associatif, FRIS, garanties.",
    ),
    ("URSCOP PACA", "URSCOP", "PARGEST : quasi-fonds propres pour les SCOP et SCIC."),
]

# (e-mail, first name, last name, roles, provider short name, funder short name)
ACCOUNTS = [
    ("applicant@example.org", "Amina", "Benali", [Role.APPLICANT], None, None),
    ("coordinator@example.org", "Myriam", "Carbonare", [Role.COORDINATOR], "Regain", None),
    ("provider@example.org", "Marie", "Dulaurier", [Role.PROVIDER], "RAMSESS", None),
    ("committee@example.org", "Daniel", "Mayer", [Role.COMMITTEE], None, None),
    ("funder@example.org", "Jeanne", "Roux", [Role.FUNDER], None, "ESIA"),
    ("multi@example.org", "Pierre", "Levy", [Role.COORDINATOR, Role.COMMITTEE], None, None),
    ("applicant2@example.org", "Lucas", "Martin", [Role.APPLICANT], None, None),
]


def load(stdout) -> None:
    providers = {}
    for name, short, description in PROVIDERS:
        providers[short], _ = Provider.objects.update_or_create(
            name=name, defaults={"short_name": short, "description": description}
        )
    funders = {}
    for name, short, description in FUNDERS:
        funders[short], _ = Funder.objects.update_or_create(
            name=name, defaults={"short_name": short, "description": description}
        )

    for email, first_name, last_name, roles, provider, funder in ACCOUNTS:
        user = demo_account(email, first_name, last_name)
        for role in roles:
            RoleAssignment.objects.get_or_create(user=user, role=role)
        if provider:
            providers[provider].members.add(user)
        if funder:
            funders[funder].members.add(user)

    admin = demo_account("admin@example.org", "Admin", "Technique")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])

    stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
    for email, _first_name, _last_name, roles, _provider, _funder in ACCOUNTS:
        labels = ", ".join(Role(role).label for role in roles)
        stdout.write(f"  {email:<28} {labels}")
    stdout.write(f"  {'admin@example.org':<28} Administration technique (/admin/)")


def demo_account(email: str, first_name: str, last_name: str) -> User:
    """A demo login with the shared password and a verified address (every app's demo)."""
    user, _ = User.objects.update_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, "is_active": True}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    # Loading the demo again gives back the logins that work with the password
    # alone, even if a visitor turned MFA on for one of them.
    Authenticator.objects.filter(user=user).delete()
    return user
