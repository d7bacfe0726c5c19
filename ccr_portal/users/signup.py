"""The sign-up form: the same work whether the e-mail is known or new.

allauth already answers alike (prevent enumeration: a known address gets an
"account already exists" e-mail); what still differed was the time, because
only a new account hashed the password. Both paths now hash it once and queue
one e-mail.
"""

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password


class PortalSignupForm(SignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
