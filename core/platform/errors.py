"""Domain errors. Pages and the CLI translate these into a message; anything else is a bug."""


class DomainError(Exception):
    """A problem the user can act on; its message is one clear sentence."""


class NotFound(DomainError):
    pass


class AccessDenied(DomainError):
    pass


class InvalidInput(DomainError):
    """Bad input. `problems` lists one message per faulty place (e.g. per CSV line)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class Infeasible(DomainError):
    pass


class StaleEdit(DomainError):
    pass


class AuthenticationFailed(DomainError):
    pass


class DatabaseUnavailable(DomainError):
    pass


class DatabaseBusy(DomainError):
    """The database was busy (a lock held by other work) past the bounded wait: nothing was
    saved; what the person typed is kept and they can try again."""
