from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class SecurityEvent(models.Model):
    """One line of the security log: who, when, from which address, did what.

    Model changes are django-auditlog's ``LogEntry`` and login attempts
    django-axes' records; this table holds what neither library sees: refusals,
    exports, downloads, MFA and role changes, and the logins themselves.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "Connexion"
        LOGIN_FAILED = "login_failed", "Échec de connexion"
        LOCKOUT = "lockout", "Blocage après trop d'échecs"
        LOGOUT = "logout", "Déconnexion"
        SESSION_EXPIRED = "session_expired", "Session expirée"
        MFA_ADDED = "mfa_added", "Double authentification activée"
        MFA_REMOVED = "mfa_removed", "Double authentification désactivée"
        MFA_RESET = "mfa_reset", "Codes de secours régénérés"
        MFA_FAILED = "mfa_failed", "Code de double authentification refusé"
        REAUTHENTICATED = "reauthenticated", "Réauthentification"
        ROLE_GRANTED = "role_granted", "Rôle attribué"
        ROLE_REVOKED = "role_revoked", "Rôle retiré"
        PERMISSION_DENIED = "permission_denied", "Accès refusé (403)"
        EXPORT = "export", "Export"
        DOWNLOAD = "download", "Téléchargement d'un document confidentiel"
        ACCOUNT_ERASED = "account_erased", "Compte supprimé (données anonymisées)"

    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    kind = models.CharField("événement", max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    # The login typed, for failures and lockouts where nobody is signed in.
    actor_email = models.CharField("identifiant", max_length=254, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    method = models.CharField("méthode", max_length=10, blank=True)
    path = models.CharField("adresse", max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField("objet", max_length=300, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "événement de sécurité"
        verbose_name_plural = "journal de sécurité"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="security_event_target_idx"),
            models.Index(fields=["kind", "at"], name="security_event_kind_idx"),
        ]

    def __str__(self):
        who = self.actor or self.actor_email or "anonyme"
        return f"{self.get_kind_display()} : {who} ({self.at:%Y-%m-%d %H:%M})"
