"""What a print request returns to the kiosk: printed, or failed with a reason and a message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hw.printer.status import PrinterState, PrinterStatus


class PrintOutcome(StrEnum):
    """Whether the paper came out."""

    PRINTED = "printed"
    FAILED = "failed"


class FailureReason(StrEnum):
    """Why a job did not print (stable codes for logs, events and the kiosk)."""

    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    PRINTER_ERROR = "printer_error"
    OFFLINE = "offline"
    TIMEOUT = "timeout"
    DRIVER_UNAVAILABLE = "driver_unavailable"
    RENDER_FAILED = "render_failed"
    UNKNOWN_JOB = "unknown_job"


FAILURE_MESSAGES: dict[FailureReason, str] = {
    FailureReason.PAPER_OUT: "Máy in hết giấy, chưa in được phiếu.",
    FailureReason.COVER_OPEN: "Nắp máy in đang mở, chưa in được phiếu.",
    FailureReason.PRINTER_ERROR: "Máy in đang báo lỗi, chưa in được phiếu.",
    FailureReason.OFFLINE: "Không kết nối được với máy in, chưa in được phiếu.",
    FailureReason.TIMEOUT: "Máy in không phản hồi kịp, chưa in được phiếu.",
    FailureReason.DRIVER_UNAVAILABLE: "Máy in chưa được cài đặt đúng trên máy này.",
    FailureReason.RENDER_FAILED: "Không tạo được nội dung phiếu để in.",
    FailureReason.UNKNOWN_JOB: "Không tìm thấy phiếu cần in lại.",
}
PRINTED_MESSAGE = "Đã in phiếu."
PRINTED_LOW_PAPER_MESSAGE = "Đã in phiếu. Máy in sắp hết giấy."
PARTIAL_MESSAGE = "Máy in hết giấy hoặc mở nắp khi đang in, phiếu có thể bị thiếu."

# The status that stops a job → the reason the job reports.
STATE_REASONS: dict[PrinterState, FailureReason] = {
    PrinterState.PAPER_OUT: FailureReason.PAPER_OUT,
    PrinterState.COVER_OPEN: FailureReason.COVER_OPEN,
    PrinterState.ERROR: FailureReason.PRINTER_ERROR,
    PrinterState.OFFLINE: FailureReason.OFFLINE,
}


@dataclass(frozen=True)
class PrintResult:
    """The answer to one print or reprint request; never an exception for device faults."""

    printer_id: str
    job_id: str
    outcome: PrintOutcome
    message: str
    reason: FailureReason | None = None
    status: PrinterStatus | None = None
    bytes_sent: int = 0

    @property
    def printed(self) -> bool:
        """Tell whether the paper came out."""
        return self.outcome is PrintOutcome.PRINTED

    def to_payload(self) -> dict[str, Any]:
        """Return the result as plain JSON types."""
        return {
            "printer_id": self.printer_id,
            "job_id": self.job_id,
            "outcome": self.outcome.value,
            "reason": self.reason.value if self.reason else None,
            "message": self.message,
            "status": self.status.to_payload() if self.status else None,
            "bytes_sent": self.bytes_sent,
        }


def failed(
    printer_id: str,
    job_id: str,
    reason: FailureReason,
    status: PrinterStatus | None = None,
    message: str = "",
) -> PrintResult:
    """Build a failed result with the reason's Vietnamese message."""
    return PrintResult(
        printer_id,
        job_id,
        PrintOutcome.FAILED,
        message or FAILURE_MESSAGES[reason],
        reason,
        status,
    )
