"""Form sets as versioned data: which circular numbers and names the one-stop forms.

A dossier keeps the set in force when it was received: one received before TT 03/2025/TT-VPCP
took effect reprints under TT 01/2018/TT-VPCP numbering. What the public sources could not
confirm (effective dates, register columns, signer titles) is data here, so a site can follow
its own template without a code change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.domain.errors import InvalidInput


class FormKind(StrEnum):
    """What a form is for, whatever number a circular gives it."""

    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOP_NOTICE = "stop_notice"
    CONTROL_SHEET = "control_sheet"
    REGISTER = "register"


# Names typed on the command line before forms were numbered; they keep working.
KIND_ALIASES = {
    "slip": FormKind.RECEIPT,
    "supplement": FormKind.SUPPLEMENT,
    "refusal": FormKind.REFUSAL,
    "apology": FormKind.APOLOGY,
    "stop": FormKind.STOP_NOTICE,
    "control": FormKind.CONTROL_SHEET,
    "register": FormKind.REGISTER,
}

SIGN = "(Ký và ghi rõ họ tên)"
SIGN_AND_SEAL = "(Ký, ghi rõ họ tên và đóng dấu)"

# Mẫu 06 (TT 03/2025) / Mẫu 05 (TT 01/2018): the control sheet's table.
CONTROL_COLUMNS = (
    "Tên cơ quan",
    "Thời gian giao, nhận hồ sơ",
    "Kết quả giải quyết hồ sơ (Trước hạn/ Đúng hạn/ Quá hạn)",
    "Ghi chú",
)
# Mẫu 07 (TT 03/2025) / Mẫu 06 (TT 01/2018): the register, one row per dossier (unconfirmed).
REGISTER_COLUMNS = (
    "TT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày nhận hồ sơ",
    "Ngày hẹn trả kết quả",
    "Ngày chuyển hồ sơ đến cơ quan giải quyết",
    "Ngày có kết quả giải quyết",
    "Ngày trả kết quả",
    "Ký nhận",
    "Ghi chú",
)


@dataclass(frozen=True)
class FormSpec:
    """One form of a set: its number, its title, what it is for, its paper and who signs."""

    number: str
    title: str
    kind: FormKind
    paper: str = "A5"
    signers: tuple[str, ...] = ()
    sign_hint: str = SIGN
    columns: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Return the number as printed in the corner: 'Mẫu số 06'."""
        return f"Mẫu số {self.number}"


@dataclass(frozen=True)
class FormSet:
    """The forms of one circular, in force for dossiers received from `effective`."""

    id: str
    circular: str
    decree: str
    effective: date
    forms: tuple[FormSpec, ...]

    def find(self, kind: FormKind) -> FormSpec | None:
        """Return the form of this kind, or None when the circular has none."""
        return next((f for f in self.forms if f.kind is kind), None)

    def by_number(self, number: str) -> FormSpec:
        """Return the form numbered '06' (or '6'); InvalidInput if the set has no such number."""
        wanted = number.strip().zfill(2)
        for spec in self.forms:
            if spec.number == wanted:
                return spec
        numbers = ", ".join(f.number for f in self.forms)
        raise InvalidInput(f"{self.circular} không có mẫu số {number} (có: {numbers}).")


_RECEIPT_SIGNERS = ("Người nộp hồ sơ", "Người tiếp nhận hồ sơ")
# Mẫu 01–03 keep their numbers and titles from TT 01/2018 to TT 03/2025.
_SAME_IN_BOTH = (
    FormSpec(
        "01",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        FormKind.RECEIPT,
        "A5",
        _RECEIPT_SIGNERS,
    ),
    FormSpec(
        "02",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        FormKind.SUPPLEMENT,
        "A5",
        ("Người hướng dẫn",),
    ),
    FormSpec(
        "03",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        FormKind.REFUSAL,
        "A5",
        ("Người tiếp nhận hồ sơ",),
    ),
)

TT01_2018 = FormSet(
    id="tt01-2018",
    circular="Thông tư số 01/2018/TT-VPCP",
    decree="Nghị định số 61/2018/NĐ-CP",
    effective=date(2019, 1, 8),  # unconfirmed: only bounds the older set
    forms=(
        *_SAME_IN_BOTH,
        FormSpec(
            "04",
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            FormKind.APOLOGY,
            "A5",
            ("Thủ trưởng cơ quan",),
            SIGN_AND_SEAL,
        ),
        FormSpec(
            "05",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            FormKind.CONTROL_SHEET,
            "A5",
            columns=CONTROL_COLUMNS,
        ),
        FormSpec(
            "06", "Sổ theo dõi hồ sơ", FormKind.REGISTER, "A4 ngang", columns=REGISTER_COLUMNS
        ),
    ),
)

TT03_2025 = FormSet(
    id="tt03-2025",
    circular="Thông tư số 03/2025/TT-VPCP",
    decree="Nghị định số 118/2025/NĐ-CP",
    effective=date(2025, 9, 15),
    forms=(
        *_SAME_IN_BOTH,
        FormSpec(
            "04",
            "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            FormKind.APOLOGY,
            "A5",
            ("Thủ trưởng cơ quan",),
            SIGN_AND_SEAL,
        ),
        FormSpec(
            "05",
            "Thông báo dừng giải quyết hồ sơ",
            FormKind.STOP_NOTICE,
            "A5",
            ("Thủ trưởng cơ quan",),
            SIGN_AND_SEAL,
        ),
        FormSpec(
            "06",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            FormKind.CONTROL_SHEET,
            "A5",
            columns=CONTROL_COLUMNS,
        ),
        FormSpec(
            "07", "Sổ theo dõi hồ sơ", FormKind.REGISTER, "A4 ngang", columns=REGISTER_COLUMNS
        ),
    ),
)

FORM_SETS: tuple[FormSet, ...] = (TT01_2018, TT03_2025)
CURRENT_SET_ID = TT03_2025.id


def form_set_by_id(set_id: str, sets: Sequence[FormSet] = FORM_SETS) -> FormSet:
    """Return the set with this id ('tt03-2025'); InvalidInput if unknown."""
    for form_set in sets:
        if form_set.id == set_id.strip().lower():
            return form_set
    known = ", ".join(s.id for s in sets)
    raise InvalidInput(f"Không có bộ biểu mẫu {set_id!r} (có: {known}).")


def form_set_in_force(day: date, sets: Sequence[FormSet] = FORM_SETS) -> FormSet:
    """Return the set in force on a local date (the oldest one before any took effect)."""
    ordered = sorted(sets, key=lambda s: s.effective)
    chosen = ordered[0]
    for form_set in ordered:
        if form_set.effective <= day:
            chosen = form_set
    return chosen


def form_set_for_dossier(
    received_on: date, rule_version: str = "", sets: Sequence[FormSet] = FORM_SETS
) -> FormSet:
    """Return a dossier's set: the one its rule version names, else the one in force at receipt."""
    named = rule_version.strip().lower()
    for form_set in sets:
        if named == form_set.id:
            return form_set
    return form_set_in_force(received_on, sets)


def form_for(kind: FormKind, dossier_set: FormSet, issued_on: date) -> FormSpec:
    """Return the form of a kind from the dossier's set, else from the set in force when issued.

    TT 01/2018 had no stop notice: an old dossier stopped today gets today's form.
    """
    spec = dossier_set.find(kind)
    if spec is None:
        spec = form_set_in_force(issued_on).find(kind)
    if spec is None:
        raise InvalidInput(f"{dossier_set.circular} không có mẫu cho {kind.value}.")
    return spec


def parse_form_choice(text: str, form_set: FormSet) -> FormKind:
    """Read '06', 'form-06', 'mau-06' or an old name ('control') as a form kind of this set."""
    choice = text.strip().lower()
    if choice in KIND_ALIASES:
        return KIND_ALIASES[choice]
    for prefix in ("form-", "mau-", "mẫu-"):
        choice = choice.removeprefix(prefix)
    if choice.isdigit():
        return form_set.by_number(choice).kind
    names = ", ".join([*(f"form-{f.number}" for f in form_set.forms), *KIND_ALIASES])
    raise InvalidInput(f"Không có mẫu {text!r} (có: {names}).")
