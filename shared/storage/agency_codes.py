"""Which site owns each agency code, so that two branches never make the same dossier code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.storage.tables import Base, UtcDateTime


class AgencyCodeRow(Base):
    """An agency code and the site that makes dossier codes with it."""

    __tablename__ = "agency_codes"

    agency_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AgencyCodeTaken(Exception):
    """Another site of the same database already makes dossier codes with this agency code."""


def claim_agency_code(session: Session, site_id: str, agency_code: str, at: datetime) -> None:
    """Register the site's agency code, or raise AgencyCodeTaken when another site has it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(AgencyCodeRow)
        .values(agency_code=agency_code, site_id=site_id, registered_at=at)
        .on_conflict_do_nothing(index_elements=["agency_code"])
    )
    owner = session.scalar(
        select(AgencyCodeRow.site_id).where(AgencyCodeRow.agency_code == agency_code)
    )
    if owner != site_id:
        raise AgencyCodeTaken(
            f"Mã đơn vị {agency_code} đã được điểm {owner} dùng để đánh số hồ sơ trong cùng cơ sở "
            f"dữ liệu: mỗi điểm (chi nhánh) cần mã đơn vị riêng ([dossiers] agency_code)."
        )
