"""The domain's own exceptions: every rule violation has a code and a Vietnamese message."""


class DomainError(Exception):
    """A domain rule was broken; `code` is stable, `message` is for people.

    `retry_after`: seconds after which trying again may succeed (lockouts, rate limits).
    """

    code = "domain_error"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class NotFound(DomainError):
    """The ticket, counter, service or dossier named does not exist."""

    code = "not_found"


class InvalidTransition(DomainError):
    """The action is not allowed in the ticket's or counter's current state."""

    code = "invalid_state"


class ServiceUnavailable(DomainError):
    """A ticket cannot be issued now: outside the ticket-taking window or over the daily cap."""

    code = "service_unavailable"


class WrongCounter(DomainError):
    """A counter acted on another counter's ticket, or on a service it does not serve."""

    code = "wrong_counter"


class QueueEmpty(DomainError):
    """Nobody is waiting for any service of the counter."""

    code = "queue_empty"


class InvalidInput(DomainError):
    """A value given to the domain is malformed (unknown priority category, bad number, …)."""

    code = "invalid_input"


class Forbidden(DomainError):
    """The device or officer may not do this (not logged in, not assigned, another branch's)."""

    code = "forbidden"
