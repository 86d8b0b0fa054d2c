"""One base exception with a few subclasses; the CLI maps them to exit codes.

Data problems inside a case (an unlinked phrase, an ambiguous level) are not
exceptions: they go into the build report.
"""

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FAILED = 1  # an unexpected error (a bug): traceback with --debug
EXIT_USAGE = 2  # bad input, bad query, bad option: a one-line message
EXIT_PARTIAL = 3  # the build finished but some cases failed (see the build report)


class KGError(Exception):
    """Base of every error CaseKG raises on purpose; message is one line."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{msg} ({self.hint})" if self.hint else msg


class InputError(KGError):
    """An input file cannot be read or parsed: names the file (and line)."""


class OntologyError(KGError):
    """The shipped or a user's ontology cannot be loaded."""


class QueryError(KGError):
    """A SPARQL query is unknown, malformed or refused."""
