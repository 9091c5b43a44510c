"""Dossier codes from a configurable pattern, and the short lookup token printed on the slip."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import date

from shared.domain.errors import InvalidInput

TOKEN_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "IO01")
TOKEN_LENGTH = 8
_FIELD = re.compile(r"\{(agency|yymmdd|yyyymmdd|seq(?::0(\d)d)?)\}")


@dataclass(frozen=True)
class DossierCodePattern:
    """A pattern like '{agency}-{yymmdd}-{seq:04d}'; the sequence restarts every day."""

    pattern: str = "{agency}-{yymmdd}-{seq:04d}"

    def __post_init__(self) -> None:
        names = [m.group(1).split(":")[0] for m in _FIELD.finditer(self.pattern)]
        if names.count("seq") != 1:
            raise InvalidInput("Mẫu mã hồ sơ phải có đúng một {seq} (số thứ tự trong ngày).")
        rest = _FIELD.sub("", self.pattern)
        if "{" in rest or "}" in rest or not re.fullmatch(r"[A-Za-z0-9._-]*", rest):
            raise InvalidInput(
                "Mẫu mã hồ sơ chỉ gồm chữ, số, '.', '-', '_' và {agency}, {yymmdd}, "
                "{yyyymmdd}, {seq:0Nd}."
            )

    def format(self, agency: str, day: date, sequence: int) -> str:
        """Build the code of the `sequence`-th dossier received at `agency` on `day`."""

        def field(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "agency":
                return agency
            if name == "yymmdd":
                return f"{day:%y%m%d}"
            if name == "yyyymmdd":
                return f"{day:%Y%m%d}"
            width = int(match.group(2) or 1)
            return f"{sequence:0{width}d}"

        return _FIELD.sub(field, self.pattern)

    def regex(self, agency: str = r"[A-Za-z0-9.]+") -> str:
        """Return a regular expression matching codes of this pattern (for scanned text)."""
        out, last = [], 0
        for match in _FIELD.finditer(self.pattern):
            out.append(re.escape(self.pattern[last : match.start()]))
            name = match.group(1)
            if name == "agency":
                out.append(agency)
            elif name == "yymmdd":
                out.append(r"\d{6}")
            elif name == "yyyymmdd":
                out.append(r"\d{8}")
            else:
                out.append(rf"\d{{{int(match.group(2) or 1)},}}")
            last = match.end()
        out.append(re.escape(self.pattern[last:]))
        return "".join(out)


def new_token() -> str:
    """Return a random lookup token with no look-alike characters (no I, O, 0, 1)."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
