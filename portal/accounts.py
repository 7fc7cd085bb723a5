"""Account pages: the login form, and password reset by e-mail for every account.

The login form sent back with an error puts the focus on the error summary, not on the user
name field (one autofocus per page).

Password reset: Django's own views, the portal's one mail path.

`PasswordResetView` answers the same for every address (Django sends nothing when no active
account with a usable password has it), so the form does not tell whether an address is known.
The mail goes through `portal.mail` like every other mail: rendered by a task after the
commit, with the portal's public address in the link. Its templates are
registration/password_reset_mail.*, not Django's password_reset_email.*: the admin ships an
HTML variant of that name, which the mail path would send along. A flood of requests from one
client address or for one e-mail address is dropped silently, with the same answer.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy

from portal import mail, throttle

# per hour: resets asked from one client address, and mails to one address
PER_ADDRESS = 10
PER_EMAIL = 3
WINDOW = 3600


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # sent back only with errors: the error summary takes the focus
            self.fields["username"].widget.attrs.pop("autofocus", None)


class PortalPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        mail.send_after_commit(
            template="registration/password_reset_mail",
            recipients=[to_email],
            context={"url": mail.absolute_url(path), "username": context["user"].get_username()},
        )


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        address = throttle.client_address(self.request)
        email = form.cleaned_data["email"].strip().lower()
        if not (
            throttle.allow(f"password-reset:{address}", limit=PER_ADDRESS, seconds=WINDOW)
            and throttle.allow(f"password-reset-mail:{email}", limit=PER_EMAIL, seconds=WINDOW)
        ):
            return HttpResponseRedirect(self.get_success_url())  # the same answer, no mail
        return super().form_valid(form)


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
