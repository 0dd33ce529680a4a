"""report_parser: Chinese OGI annual reports (政府信息公开工作年度报告) to tidy, checked data."""

__version__ = "0.1.0"

from .errors import ReportParserError  # noqa: E402
from .model import Cell, CheckResult, Diagnostic, Meta, Part, Report  # noqa: E402
from .pipeline import Options, parse  # noqa: E402

__all__ = [
    "Cell", "CheckResult", "Diagnostic", "Meta", "Options", "Part", "Report",
    "ReportParserError", "__version__", "parse", "to_frames",
]


def __getattr__(name: str) -> object:
    """Import ``to_frames`` (and with it pyarrow) only when it is asked for: workers never need it."""
    if name == "to_frames":
        from .records import to_frames

        return to_frames
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
