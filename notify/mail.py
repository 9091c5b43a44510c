"""E-mail through the site's SMTP server (STARTTLS, SSL, or a plain local relay).

The envelope (MAIL, RCPT) is sent first: a failure there leaves nothing delivered and is tried
again; a connection lost while the message itself goes out (DATA) may have delivered it.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from notify.gateways import Outgoing, Result, Verdict, read_secret
from shared.config.notify import SmtpConfig
from shared.domain.notifications import ChannelKind


def _reply(code: int, text: bytes | str, what: str) -> Result:
    reason = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    detail = f"máy chủ thư {what}: {code} {reason}"[:200]
    return Result(Verdict.RETRY if 400 <= code < 500 else Verdict.REFUSED, detail)


class EmailGateway:
    """Sends one e-mail per message."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    @property
    def channel(self) -> ChannelKind:
        """E-mail."""
        return ChannelKind.EMAIL

    @property
    def idempotent(self) -> bool:
        """SMTP drops no repeats: a message whose answer was lost is not sent again."""
        return False

    def compose(self, message: Outgoing) -> EmailMessage:
        """The e-mail: plain UTF-8 text, its Message-ID made from the request id."""
        mail = EmailMessage()
        mail["From"] = self.config.from_address
        mail["To"] = message.email
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        domain = parseaddr(self.config.from_address)[1].partition("@")[2] or "motcua.invalid"
        mail["Message-ID"] = f"<{message.request_id}@{domain}>"
        mail.set_content(message.text)
        return mail

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.security == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout_seconds, context=context
            )
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        if config.security == "starttls":
            try:
                client.starttls(context=ssl.create_default_context())
            except (OSError, smtplib.SMTPException):
                client.close()
                raise
        return client

    def send(self, message: Outgoing) -> Result:
        """Send one e-mail."""
        if "@" not in message.email:
            return Result(Verdict.REFUSED, "địa chỉ thư điện tử không hợp lệ")
        try:
            password = read_secret(self.config.password_file)
        except OSError as exc:
            return Result(Verdict.RETRY, f"không đọc được mật khẩu máy chủ thư: {exc.strerror}")
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            return Result(Verdict.RETRY, f"không kết nối được máy chủ thư: {exc}"[:200])
        try:
            return self._deliver(client, password, message)
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()

    def _deliver(self, client: smtplib.SMTP, password: str, message: Outgoing) -> Result:
        sender = parseaddr(self.config.from_address)[1]
        try:
            if self.config.user:
                client.login(self.config.user, password)
            code, text = client.mail(sender)
            if code != 250:
                return _reply(code, text, "từ chối người gửi")
            code, text = client.rcpt(message.email)
            if code not in (250, 251):
                return _reply(code, text, "từ chối người nhận")
        except smtplib.SMTPAuthenticationError as exc:  # fixed by a person: keep trying
            return Result(Verdict.RETRY, f"máy chủ thư không nhận đăng nhập: {exc.smtp_code}")
        except smtplib.SMTPResponseException as exc:
            return _reply(exc.smtp_code, exc.smtp_error, "từ chối")
        except (OSError, smtplib.SMTPException) as exc:
            return Result(Verdict.RETRY, f"máy chủ thư ngắt kết nối: {exc}"[:200])
        try:
            code, text = client.data(self.compose(message).as_bytes())
        except smtplib.SMTPDataError as exc:  # refused before the message went out
            return _reply(exc.smtp_code, exc.smtp_error, "từ chối")
        except (OSError, smtplib.SMTPException) as exc:
            return Result(Verdict.UNKNOWN, f"mất kết nối khi gửi thư: {exc}"[:200])
        if code != 250:
            return _reply(code, text, "không nhận thư")
        return Result(Verdict.SENT, provider_id=text.decode("utf-8", "replace")[:100])
