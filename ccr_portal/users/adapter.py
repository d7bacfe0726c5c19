from allauth.account.adapter import DefaultAccountAdapter

from .services import user_register_applicant


class AccountAdapter(DefaultAccountAdapter):
    """Self sign-up only ever gives the applicant role."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_register_applicant(user=user)
        return user
