"""allauth adapter: no self sign-up (accounts come from schools and the broker), and
account e-mail (password reset) goes through the background queue."""

from allauth.account.adapter import DefaultAccountAdapter

from meedoen.core.mail import mail_queue


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        mail_queue(
            to=list(message.to),
            subject=message.subject,
            body=message.body,
            html=html,
            from_email=message.from_email,
        )
