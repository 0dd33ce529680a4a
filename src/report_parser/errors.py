"""The one exception tree of report_parser.

    ReportParserError
    ├── InputError          the source cannot be read as a report (permanent)
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   └── UnsupportedMedia
    └── TransientError      worth retrying (network, timeouts) — used by the fetch stage

Library callers get these only when they ask (``parse(..., raise_on_error=True)``); the CLI and
batch runs turn every failure into a ``failed`` reports row with diagnostics instead.
"""


class ReportParserError(Exception):
    """Base of every error raised by report_parser."""

    code = "error"


class InputError(ReportParserError):
    """The source cannot be read as a report; retrying will not help."""

    code = "bad_input"


class EmptyInput(InputError):
    code = "empty_input"


class BinaryInput(InputError):
    code = "binary_input"


class UnsupportedMedia(InputError):
    code = "unsupported_media"


class TransientError(ReportParserError):
    """A failure that may go away on retry (network, timeouts)."""

    code = "transient"
