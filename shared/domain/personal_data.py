"""Personal data the centre keeps: its classes, how long each is kept, and keyed ID hashes.

Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and NĐ 356/2025/NĐ-CP (in force 01/01/2026) count a
citizen's name, phone, address and ID number as basic personal data. The centre processes them
for its legal duty (receiving and returning dossiers), keeps only what that duty needs, and
deletes or anonymises each class when its retention period ends. Pure: no I/O here.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.errors import InvalidInput

KEY_BYTES = 32
ID_HASH_LENGTH = 64  # hex digits of HMAC-SHA256

# Shown by the kiosk before a citizen scans an ID card or types personal data (the notice the law
# requires before processing); `SLIP_PRIVACY_FOOTER` is the same notice in one line for slips.
PURPOSE_NOTICE = (
    "Trung tâm thu thập họ tên, số định danh cá nhân, số điện thoại và địa chỉ của người nộp "
    "hồ sơ chỉ để tiếp nhận, giải quyết và trả kết quả thủ tục hành chính, theo Luật Bảo vệ "
    "dữ liệu cá nhân số 91/2025/QH15. Số điện thoại và địa chỉ được xóa sau khi hết thời hạn "
    "lưu trữ; bạn có quyền đề nghị xem, sửa hoặc xóa dữ liệu của mình tại bàn hướng dẫn."
)
SLIP_PRIVACY_FOOTER = (
    "Dữ liệu cá nhân trên phiếu chỉ dùng để giải quyết hồ sơ này (Luật số 91/2025/QH15); "
    "đề nghị xem, sửa, xóa: liên hệ bàn hướng dẫn."
)


class DataClass(StrEnum):
    """A class of personal data with its own retention period (`[privacy]` in the site file)."""

    TICKET_LINKS = "ticket_links"
    DOSSIER_CONTACT = "dossier_contact"
    RATING_LINKS = "rating_links"
    AUDIT_PAYLOADS = "audit_payloads"
    ACCESS_LOG = "access_log"
    NOTIFICATIONS = "notifications"


DATA_CLASS_LABELS = {
    DataClass.TICKET_LINKS: "Liên kết số thứ tự ↔ hồ sơ (loại ưu tiên gắn với người nộp)",
    DataClass.DOSSIER_CONTACT: "Liên hệ của người nộp hồ sơ đã kết thúc (điện thoại, địa chỉ, "
    "thư điện tử, số định danh)",
    DataClass.RATING_LINKS: "Liên kết đánh giá ↔ số thứ tự, hồ sơ",
    DataClass.AUDIT_PAYLOADS: "Dữ liệu cá nhân trong nhật ký lệnh",
    DataClass.ACCESS_LOG: "Nhật ký truy cập dữ liệu cá nhân",
    DataClass.NOTIFICATIONS: "Số điện thoại, thư điện tử người nhận của tin nhắn đã gửi xong",
}

# The citizen fields that go when a dossier's contact retention ends or its subject asks for
# erasure; the name and the dossier record stay (the centre must keep them for its legal duty).
CONTACT_FIELDS = ("citizen_id_number", "citizen_address", "citizen_phone", "citizen_email")
# The fields a staff view of a dossier discloses; each read of them is written to the access log.
PERSONAL_FIELDS = ("name", "id_number", "address", "phone", "email")
# Keys whose values command payloads and replies may hold personal data under.
PERSONAL_KEYS = frozenset(
    {"citizen", "citizen_name", "id_number", "phone", "email", "address", "ChuHoSo", "SoDienThoai"}
)
REDACTED = "***"


@dataclass(frozen=True)
class Retention:
    """How many days each class of personal data is kept; 0 keeps it until erased by hand."""

    ticket_link_days: int = 90
    dossier_contact_days: int = 365
    rating_link_days: int = 90
    audit_payload_days: int = 90
    access_log_days: int = 1825
    notification_days: int = 30

    def days(self, data_class: DataClass) -> int:
        """Return the period of one class, in days."""
        return {
            DataClass.TICKET_LINKS: self.ticket_link_days,
            DataClass.DOSSIER_CONTACT: self.dossier_contact_days,
            DataClass.RATING_LINKS: self.rating_link_days,
            DataClass.AUDIT_PAYLOADS: self.audit_payload_days,
            DataClass.ACCESS_LOG: self.access_log_days,
            DataClass.NOTIFICATIONS: self.notification_days,
        }[data_class]

    def cutoff(self, data_class: DataClass, now: datetime) -> datetime | None:
        """Return the instant before which the class is purged, or None when kept for ever."""
        days = self.days(data_class)
        return None if days <= 0 else now - timedelta(days=days)


def normalise_id_number(id_number: str) -> str:
    """Return an ID number as its letters and digits only, upper case ('0010 9012' → '00109012')."""
    return "".join(ch for ch in id_number if ch.isalnum()).upper()


def id_number_hash(id_number: str, key: bytes) -> str:
    """Return the keyed hash (HMAC-SHA256, hex) that finds a person's records by ID number.

    Without the site's key the hash cannot be reversed by trying every 12-digit number.
    """
    if len(key) < 16:
        raise InvalidInput("Khóa bảo vệ dữ liệu cá nhân quá ngắn (cần ít nhất 16 byte).")
    normal = normalise_id_number(id_number)
    if not normal:
        raise InvalidInput("Cần nhập số định danh cá nhân.")
    return hmac.new(key, normal.encode("ascii", "ignore"), hashlib.sha256).hexdigest()


def redact(value: object) -> object:
    """Return a JSON value with every personal key's value replaced by *** (recursively)."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if k in PERSONAL_KEYS and v not in ("", None) else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value
